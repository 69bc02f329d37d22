/**
 * Worker-thread entry: one SimApp per worker, calls answered in order. Trial streams are
 * copied back, not transferred: the phone may keep views of the same buffers (fixtures at
 * the engine rate) for the next trial.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SimApp, type SimAppOptions } from './sim-app.js';
import { toFailure, type SimAppCall, type SimAppReply } from './sim-app-messages.js';

const port = parentPort;
if (!port) throw new Error('sim-app-worker.ts runs as a worker thread only');

const post = (reply: SimAppReply) => port.postMessage(reply);

let app: SimApp | null = null;
try {
  app = new SimApp(workerData as SimAppOptions);
  post({ id: 0, value: app.ready() });
} catch (e) {
  post({ id: 0, failure: toFailure(e) });
}

port.on('message', (call: SimAppCall) => {
  if (!app) return;
  try {
    switch (call.op) {
      case 'configure':
        return post({ id: call.id, value: app.configure(call.config) });
      case 'loadAudio':
        app.loadAudio(call.audioId, call.sampleRate, call.samples);
        return post({ id: call.id, value: null });
      case 'runTrial':
        return post({ id: call.id, value: app.runTrial(call.trial) });
      case 'teardown':
        return post({ id: call.id, value: app.teardown() });
    }
  } catch (e) {
    post({ id: call.id, failure: toFailure(e) });
  }
});
