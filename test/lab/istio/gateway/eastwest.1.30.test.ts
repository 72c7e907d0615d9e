// The east-west gateway scenario (eastwest-scenario.ts) for Istio 1.30.0.
import { eastWestScenario } from "./eastwest-scenario.js";

eastWestScenario("1.30.0");
