// The end-to-end test's probe (test/e2e/workbench.test.ts), installed only in its code-server
// profile. It runs in the same extension host as the Kernel Workbench extension, so it sees the
// same event loop. "Start" begins a measurement window: perf_hooks' event-loop delay histogram
// (10 ms resolution; each sample is the time between two ticks of a 10 ms timer, so an idle loop
// reads ~10 ms and a loop blocked for B ms reads ~10+B) and, as a cross-check, the lateness of a
// 5 ms interval timer. "Stop" ends it and writes the numbers (milliseconds) as JSON to the file
// named by KWB_E2E_PROBE_FILE. "Report" writes the extension host's pid and uptime to
// KWB_E2E_PROBE_FILE + '.host' (the test checks that bad input leaves the host alive).
'use strict';
const vscode = require('vscode');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { writeFileSync } = require('node:fs');

const RESOLUTION_MS = 10;
let window;

function outFile(suffix) {
  const f = process.env.KWB_E2E_PROBE_FILE;
  if (!f) throw new Error('KWB_E2E_PROBE_FILE is not set in the extension host');
  return f + suffix;
}

function start() {
  if (window) stop();
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const w = { histogram, startedAt: Date.now(), cpu: process.cpuUsage(), maxLateMs: 0, ticks: 0, last: performance.now(), late: [] };
  w.lastCpu = process.cpuUsage();
  w.timer = setInterval(() => {
    const now = performance.now();
    const late = now - w.last - 5;
    const cpu = process.cpuUsage(w.lastCpu);
    w.maxLateMs = Math.max(w.maxLateMs, late);
    // When (wall clock) the loop was held up by more than 50 ms, for how long, and how much CPU
    // this process used meanwhile: about as much as the delay means code ran on the loop (or
    // the garbage collector); much less means the operating system ran other processes.
    if (late > 50 && w.late.length < 100) w.late.push({ at: Date.now(), ms: Math.round(late), cpuMs: Math.round((cpu.user + cpu.system) / 1000) });
    w.last = now;
    w.lastCpu = process.cpuUsage();
    w.ticks++;
  }, 5);
  window = w;
  vscode.window.showInformationMessage('KWB probe: measuring the event loop');
}

function stop() {
  const w = window;
  if (!w) throw new Error('no measurement is running');
  window = undefined;
  clearInterval(w.timer);
  w.histogram.disable();
  const ms = (ns) => Math.round(ns / 1e4) / 100;
  const cpu = process.cpuUsage(w.cpu);
  const result = {
    resolutionMs: RESOLUTION_MS,
    durationMs: Date.now() - w.startedAt,
    count: w.histogram.count,
    p50: ms(w.histogram.percentile(50)),
    p99: ms(w.histogram.percentile(99)),
    max: ms(w.histogram.max),
    intervalTicks: w.ticks,
    intervalMaxLateMs: Math.round(w.maxLateMs * 100) / 100,
    late: w.late,
    // the extension host's own CPU time in the window: a delay with little CPU spent was the
    // operating system running something else, not code on this loop
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    pid: process.pid,
  };
  writeFileSync(outFile(''), JSON.stringify(result) + '\n');
  vscode.window.showInformationMessage(`KWB probe: p99 ${result.p99} ms, max ${result.max} ms`);
  return result;
}

function host() {
  const info = { pid: process.pid, uptimeS: process.uptime(), extensions: vscode.extensions.all.map((e) => e.id) };
  writeFileSync(outFile('.host'), JSON.stringify(info) + '\n');
  return info;
}

exports.activate = (context) => {
  context.subscriptions.push(
    vscode.commands.registerCommand('kwbProbe.start', start),
    vscode.commands.registerCommand('kwbProbe.stop', stop),
    vscode.commands.registerCommand('kwbProbe.host', host),
  );
};
exports.deactivate = () => {};
