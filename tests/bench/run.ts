// `npm run bench`: every benchmark, each printing memscope beside its peers in one run.
// BENCH_ONLY=sampling,smaps,snapshot,pagemap,pages,sim-pages,malloc,tcmalloc,lab,cache-sim,metrics,ui,ui-many-maps,ui-hover,ui-open,history,heap,heap-inspect,record,predict selects sections; BENCH_TICKS sets the heap run (10000).
import { benchCacheSim } from './cache-sim.bench.js';
import { benchHeap } from './heap.bench.js';
import { benchHeapInspect } from './heap-inspect.bench.js';
import { benchHistory } from './history.bench.js';
import { benchLab } from './lab.bench.js';
import { benchMalloc } from './malloc-replay.bench.js';
import { benchMetrics } from './metrics.bench.js';
import { benchPagemap } from './pagemap.bench.js';
import { benchPages } from './pages.bench.js';
import { benchPredict } from './predict.bench.js';
import { benchRecord } from './record.bench.js';
import { benchSampling } from './sampling.bench.js';
import { benchSimPages } from './sim-pages.bench.js';
import { benchSmaps, benchSnapshot } from './smaps.bench.js';
import { benchTcmallocReplay } from './tcmalloc-replay.bench.js';
import { benchUi } from './ui.bench.js';
import { benchUiManyMaps } from './ui-many-maps.bench.js';
import { benchUiHover } from './ui-hover.bench.js';
import { benchUiOpen } from './ui-open.bench.js';

const only = process.env['BENCH_ONLY']?.split(',');
const want = (name: string) => only === undefined || only.includes(name);

console.log(`memscope benchmarks — ${new Date().toISOString()}, node ${process.version}`);
if (want('sampling')) await benchSampling();
if (want('smaps')) await benchSmaps();
if (want('snapshot')) await benchSnapshot();
if (want('pagemap')) await benchPagemap();
if (want('pages')) await benchPages();
if (want('sim-pages')) benchSimPages();
if (want('malloc')) await benchMalloc();
if (want('tcmalloc')) await benchTcmallocReplay();
if (want('lab')) await benchLab();
if (want('cache-sim')) benchCacheSim();
if (want('metrics')) await benchMetrics();
if (want('ui')) await benchUi();
if (want('ui') || want('ui-many-maps')) await benchUiManyMaps();
if (want('ui-hover')) await benchUiHover();
if (want('ui-open')) await benchUiOpen();
if (want('history')) benchHistory();
if (want('heap-inspect')) await benchHeapInspect();
if (want('heap')) benchHeap(Number(process.env['BENCH_TICKS'] ?? 10000));
if (want('record')) benchRecord();
if (want('predict')) benchPredict();
