// The east-west gateway scenario (eastwest-scenario.ts) for Istio 1.8.1.
import { eastWestScenario } from "./eastwest-scenario.js";

eastWestScenario("1.8.1");
