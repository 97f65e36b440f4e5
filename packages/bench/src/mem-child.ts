/** Child process of the mem10k workload: prints the heap KB per waiting instance. */
import { mem10k } from './bpmn-workloads.js';

console.log(mem10k(Number(process.argv[2] ?? '10000')));
