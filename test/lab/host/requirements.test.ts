import test from "ava";
import { assertLinuxRoot, LabRequirementError } from "../../../lab/host/requirements.js";

test("refuses a non-Linux system in Portuguese, saying why and what to do", (t) => {
  const error = t.throws(() => assertLinuxRoot("darwin", 0), { instanceOf: LabRequirementError });
  t.regex(error!.message, /precisa de Linux/);
  t.regex(error!.message, /"darwin"/);
});

test("refuses a non-root user in Portuguese, suggesting sudo", (t) => {
  const error = t.throws(() => assertLinuxRoot("linux", 1000), { instanceOf: LabRequirementError });
  t.regex(error!.message, /precisa de root/);
  t.regex(error!.message, /sudo npm run lab -- up/);
});

test("accepts Linux as root", (t) => {
  t.notThrows(() => assertLinuxRoot("linux", 0));
});
