// The CA scenario (ca-scenario.ts) for Istio 1.30.0.
import { caScenario } from "./ca-scenario.js";

caScenario("1.30.0");
