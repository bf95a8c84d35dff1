/**
 * Drawing what changed: the status line, the curves and the weight maps, at most every
 * DRAW_MS while training and each picture in a task of its own, so that the page answers input
 * in between (the main thread shares the machine's cores with the engine's two threads).
 */
import { INPUTS, type Network } from "../lib/maths/network.ts";
import { $ } from "./dom.ts";
import {
  accuracyChart,
  colorBar,
  drawMap,
  largestMagnitude,
  lossChart,
  mapCanvas,
} from "./pictures.ts";
import { pageRun, reproduction } from "./reproduce.ts";
import type { PageState } from "./state.ts";

const DRAW_MS = 250;
/** While training, the digit panels are redrawn at most this often (ms). */
const DIGIT_MS = 2000;

export interface Drawing {
  /** Draws now (the run is paused, or a request was answered): the digit panels too. */
  now(): void;
  /** Draws within DRAW_MS (while training). */
  soon(): void;
}

/** `showDigit` redraws the digit panels (after the weights, when the network changed). */
export function createDrawing(state: PageState, showDigit: () => void): Drawing {
  let drawnAt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  /** The button and the status line: cheap, so always at once. */
  function texts(): void {
    const { status, settings } = state;
    $("play").textContent = status.running ? "❚❚ pause" : "▶ play";
    const f = (x: number) => Number.isNaN(x) ? "–" : x.toFixed(4);
    $("status").textContent = `iteration ${status.iteration} · loss ${
      f(status.loss)
    } · training accuracy ${f(status.trainAccuracy)}${
      settings.batchSize ? " (last batch)" : ""
    } · test accuracy ${f(status.testAccuracy)}`;
    const how = reproduction(pageRun(state));
    $("reproduce-how").hidden = "reason" in how;
    $("reproduce-reason").textContent = "reason" in how ? how.reason : "";
    $("reproduce-notebook").hidden = how.cell === undefined;
    if ("command" in how) $("reproduce-command").textContent = how.command;
    if (how.cell !== undefined) $("reproduce-cell").textContent = how.cell;
  }

  function draw(when: "now" | "soon"): void {
    drawnAt = performance.now();
    const { status } = state;
    texts();
    const width = (id: string) => Math.min(520, $(id).clientWidth || 300);
    const records = state.records, tests = state.tests;
    const tasks = [
      () => $("loss-chart").replaceChildren(lossChart(records, width("loss-chart"))),
      () =>
        $("accuracy-chart").replaceChildren(
          accuracyChart(records, tests, width("accuracy-chart")),
        ),
    ];
    if (state.networkChanged && state.network) {
      state.networkChanged = false;
      const net = state.network;
      tasks.push(() => drawWeights(net, state.startNetwork, state.weightsView));
      const digitDue = drawnAt - state.digit.drawnAt > DIGIT_MS;
      if (when === "now" || !status.running || digitDue) tasks.push(showDigit);
    }
    const next = () => {
      tasks.shift()?.();
      if (tasks.length) setTimeout(next);
    };
    setTimeout(next);
  }

  return {
    now: () => draw("now"),
    soon() {
      texts();
      if (timer) return;
      const wait = Math.max(0, DRAW_MS - (performance.now() - drawnAt));
      timer = setTimeout(() => {
        timer = undefined;
        draw("soon");
      }, wait);
    },
  };
}

/** Which weights the maps show: W_h, or its change since iteration 0 of this start. */
export type WeightsView = "weights" | "change";

function drawWeights(net: Network, start: Network | undefined, view: WeightsView): void {
  const box = $("weights");
  const hidden = net.W_h.rows;
  const size = hidden <= 16 ? 84 : hidden <= 64 ? 56 : 42;
  const values = new Float64Array(net.W_h.data);
  if (view === "change" && start && start.W_h.data.length === values.length) {
    for (let i = 0; i < values.length; i++) values[i] -= start.W_h.data[i];
  }
  const what = view === "change" ? "W_h − W_h at iteration 0" : "W_h";
  const scale = largestMagnitude(values);
  if (box.children.length !== hidden || box.dataset.size !== String(size)) {
    box.dataset.size = String(size);
    box.replaceChildren(
      ...Array.from({ length: hidden }, (_, i) => {
        const figure = document.createElement("figure");
        figure.append(
          mapCanvas(new Float64Array(INPUTS), { scale: 1, size }),
          document.createElement("figcaption"),
        );
        figure.dataset.neuron = String(i);
        return figure;
      }),
    );
  }
  let anyNaN = false;
  for (let i = 0; i < hidden; i++) {
    const map = values.subarray(i * 784, (i + 1) * 784);
    const nan = map.some(Number.isNaN);
    anyNaN ||= nan;
    const figure = box.children[i] as HTMLElement;
    const canvas = figure.querySelector("canvas")!;
    drawMap(canvas, map, scale);
    const name = hidden > 16 ? String(i) : `neuron ${i}`;
    figure.querySelector("figcaption")!.textContent = nan ? `${name}: NaN` : name;
    canvas.setAttribute(
      "aria-label",
      `${what} of hidden neuron ${i} as a 28×28 map` + (nan ? ", with NaN (not a number)" : ""),
    );
  }
  box.dataset.scale = String(scale);
  $("weights-scale").replaceChildren(colorBar(scale, what, anyNaN));
  $("weights-nan").hidden = !anyNaN;
}
