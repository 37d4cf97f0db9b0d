// Entry of a TrainingPool worker thread: keeps the tables the pool shares, trains on request.
import { parentPort } from 'node:worker_threads';
import type { Table } from '@ratchet/ml';
import type { FromWorker, ToWorker } from './messages.js';
import { runTrainTask } from './run-task.js';

const port = parentPort;
if (port === null) throw new Error('training-worker.js must run in a worker thread (see TrainingPool)');
const tables = new Map<number, Table>();

port.on('message', (msg: ToWorker) => {
  if (msg.type === 'table') tables.set(msg.tableId, msg.table);
  else if (msg.type === 'drop') tables.delete(msg.tableId);
  else {
    let reply: FromWorker;
    try {
      const table = tables.get(msg.tableId);
      if (table === undefined) throw new Error(`table ${msg.tableId} was not shared with this worker`);
      reply = { type: 'done', taskId: msg.taskId, outcome: runTrainTask(table, msg.task) };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      reply = { type: 'failed', taskId: msg.taskId, message: e.message, ...(e.stack !== undefined ? { stack: e.stack } : {}) };
    }
    port.postMessage(reply);
  }
});
