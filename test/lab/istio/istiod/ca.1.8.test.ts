// The CA scenario (ca-scenario.ts) for Istio 1.8.1.
import { caScenario } from "./ca-scenario.js";

caScenario("1.8.1");
