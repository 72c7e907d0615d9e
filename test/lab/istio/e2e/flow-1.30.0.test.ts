// istio.io's current VM installation end to end with Istio 1.30.0 (see flow.ts).
import { chapterFlow } from "./flow.js";

chapterFlow("1.30.0");
