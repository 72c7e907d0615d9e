// The injection scenario (injection-scenario.ts) for Istio 1.8.1.
import { injectionScenario } from "./injection-scenario.js";

injectionScenario("1.8.1");
