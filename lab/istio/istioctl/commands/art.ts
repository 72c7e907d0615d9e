// The Istio ASCII art current istioctl prints on stderr before an install (fatih/color leaves it uncoloured when the
// output is not a terminal).

/** The art (the file ends with a newline). */
export const ISTIO_ART = [
  "        |\\          ",
  "        | \\         ",
  "        |  \\        ",
  "        |   \\       ",
  "      /||    \\      ",
  "     / ||     \\     ",
  "    /  ||      \\    ",
  "   /   ||       \\   ",
  "  /    ||        \\  ",
  " /     ||         \\ ",
  "/______||__________\\",
  "____________________",
  "  \\__       _____/  ",
  "     \\_____/        ",
  "",
].join("\n");
