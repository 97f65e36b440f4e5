/** Child process of the mem10k workload: prints the heap KB per waiting instance. */
import { heapPerWaitingInstance } from './bpmn-workloads.js';

console.log(heapPerWaitingInstance(Number(process.argv[2] ?? '10000')));
