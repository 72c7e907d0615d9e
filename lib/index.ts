// Public surface of the runbook's helper library (filled in by the modules under lib/).
export {};
