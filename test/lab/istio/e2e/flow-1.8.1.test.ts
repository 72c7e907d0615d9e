// The course's chapter end to end with Istio 1.8.1 (see flow.ts).
import { chapterFlow } from "./flow.js";

chapterFlow("1.8.1");
