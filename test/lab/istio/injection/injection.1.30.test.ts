// The injection scenario (injection-scenario.ts) for Istio 1.30.0.
import { injectionScenario } from "./injection-scenario.js";

injectionScenario("1.30.0");
