"""'Reproduce in Python' snippets: code that calls `core` with a view's settings and prints
the chart's data as CSV. Each is run by a test in a fresh process and compared with the page."""
from __future__ import annotations


def scene(slug: str) -> str:
    """A talk scene: recompute it live and print its figure's data."""
    return (f"from core.story.scenes import BY_SLUG\n\n"
            f"scene = BY_SLUG[{slug!r}]\n"
            f"data = scene.compute()\n"
            f"print(scene.sentence(data))\n"
            f"print(data.frame.to_csv(index=False))\n")


# ---------------------------------------------------------------- timing lab, scan, head to head (thinA)
def _args(**kw) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in kw.items())


def timing_reference(mode: str, methods) -> str:
    """The timing lab's main chart before a live sweep: the shipped reference of `mode`, its methods."""
    return ("from core.timing import reference\n\n"
            f"meta, df = reference.load({mode!r})\n"
            f"print(df[df['method'].isin({list(methods)!r})].to_csv(index=False))\n")


def timing_file(file_name: str, methods) -> str:
    """A shipped result file of the timing lab, its chosen methods."""
    return ("from core.assets import REFERENCE\nfrom core.timing import results\n\n"
            f"meta, df = results.load(REFERENCE / {file_name!r})\n"
            f"print(df[df['method'].isin({list(methods)!r})].to_csv(index=False))\n")


def timing_sweep(spec) -> str:
    """The timing lab's live sweep, measured again on this machine (times differ; the grid does not)."""
    return ("import pandas as pd\n\nfrom core.timing.spec import SweepSpec\n"
            "from core.timing.sweep import final_peak, iter_sweep, with_peak_share\n\n"
            f"spec = {spec!r}\n"
            "df = pd.DataFrame(list(iter_sweep(spec)))\n"
            "peak, _ = final_peak(spec.device, spec.threads, df)\n"
            "print(with_peak_share(df, peak).to_csv(index=False))\n")


def timing_work_span(Ts, methods, B: int, d: int, mode: str, parallel_flops: float, step_s: float) -> str:
    """The timing lab's work–span MODEL curves."""
    return ("from core.timing import fit\n\n"
            f"df = fit.work_span({list(Ts)!r}, {tuple(methods)!r}, {B!r}, {d!r}, {mode!r}, {parallel_flops!r}, {step_s!r})\n"
            "print(df.to_csv(index=False))\n")


def timing_seed(device: str, threads: int, seed: int) -> str:
    """The seed article's snippet, replayed (three readings of each model; times differ run to run)."""
    return ("from core.timing import notes, seed_snippet\n\n"
            f"result = seed_snippet.replay({_args(device=device, threads=threads, seed=seed)})\n"
            "print(notes.snippet_frame(result).to_csv(index=False))\n")


def scan_shipped(name: str) -> str:
    """A shipped scan result file (`core.scan.results.<name>`), its rows."""
    return ("from core.scan import results\n\n"
            f"meta, df = results.load(results.{name})\n"
            "print(df.to_csv(index=False))\n")


def scan_three_ways(T: int, D: int, seed: int) -> str:
    """The three solvers timed live at T (times differ run to run; methods and errors do not)."""
    return ("from core.scan import compare\n\n"
            f"r = compare.three_ways({_args(T=T, D=D, seed=seed)}, threads=1, rates=compare.calibrate())\n"
            f"print(r.table.assign(T={T!r}).to_csv(index=False))\n")


def scan_error_curve(Ts, seed: int) -> str:
    """float32 error of each solver against the float64 loop, by T."""
    return ("from core.scan import compare\n\n"
            f"print(compare.error_curve({list(Ts)!r}, seed={seed!r}).to_csv(index=False))\n")


def scan_tree(T: int, a: float, b: str, seed: int) -> str:
    """Blelloch's tree, level by level, for the reader's steps."""
    return ("from core.scan import tree_view\n\n"
            f"levels, _ = tree_view.levels({T!r}, {a!r}, {b!r}, {seed!r})\n"
            "print(levels.to_csv(index=False))\n")


def scan_step(t_max: int, device: str, seed: int) -> str:
    """One training step timed live per method and T (times differ run to run; the grid does not)."""
    return ("import pandas as pd\n\nfrom core.scan import steptime\n\n"
            f"items = steptime.sweep(steptime.grid({t_max!r}), device={device!r}, seed={seed!r})\n"
            "print(pd.DataFrame([i for i in items if isinstance(i, dict)]).to_csv(index=False))\n")


def scan_state(N: int) -> str:
    """State carried per token: a KV cache against a fixed recurrent state."""
    return ("from core.scan import modes\n\n"
            f"print(modes.state_frame({N!r}, {N!r}).to_csv(index=False))\n")


def scan_recorded(task: str) -> str:
    """The shipped minGRU-vs-transformer accuracy by length for one task."""
    return ("import pandas as pd\n\nfrom core.scan import lm\n\n"
            f"print(pd.DataFrame(lm.recorded()[{task!r}]['by_length']).to_csv(index=False))\n")


def scan_gradients(T: int, bias: float, seed: int) -> str:
    """minGRU's gradient band by distance, beside the tanh RNN and attention."""
    return ("from core.scan import grads\n\n"
            f"print(grads.profile({T!r}, {bias!r}, {seed!r}).band.to_csv(index=False))\n")


def h2h_runs(task: str) -> str:
    """The shipped head-to-head sweep, one task: final accuracy per model, distance and seed."""
    return ("from core.head_to_head import shipped\n\n"
            "meta, runs = shipped.sweep()\n"
            f"print(runs[runs.task == {task!r}].to_csv(index=False))\n")


def h2h_curves(task: str, D: int, kinds) -> str:
    """The shipped training curves at one task and distance, the chosen models."""
    return ("from core.head_to_head import shipped\n\n"
            "c = shipped.curves()\n"
            f"print(c[(c.task == {task!r}) & (c.distance == {D!r}) & c.model.isin({list(kinds)!r})]"
            ".to_csv(index=False))\n")


def h2h_throughput(target: int) -> str:
    """The shipped training throughput of models matched at about `target` parameters."""
    return ("from core.head_to_head import shipped\n\n"
            "meta, tp = shipped.throughput()\n"
            f"print(tp[tp.target_params == {target!r}].to_csv(index=False))\n")


def h2h_modelled(kinds, targets, lengths, target: int) -> str:
    """The work–span MODEL of the same throughput on a parallel device."""
    return ("from core.head_to_head import throughput\n\n"
            f"m = throughput.modelled({tuple(kinds)!r}, {tuple(targets)!r}, {tuple(lengths)!r})\n"
            f"print(m[m.target_params == {target!r}].to_csv(index=False))\n")


def gradient_band(setup_kwargs: dict, wrt: str) -> str:
    """The gradient page's main chart: median and min–max of ‖∂L/∂·‖ per distance."""
    args = ", ".join(f"{k}={v!r}" for k, v in setup_kwargs.items())
    return ("from core.gradients.profile import GradientSetup, gradient_profile\n\n"
            f"profile = gradient_profile(GradientSetup({args}))\n"
            f"band = profile.band[profile.band['wrt'] == {wrt!r}]\n"
            "print(band.to_csv(index=False))\n")


def attention_grid(task: str, text: str, layer: int | None = None, head: int | None = None) -> str:
    """Attention maps: a shipped model's weights for your sequence, every head (or one `layer`/`head`)."""
    pick = ("layers = [layers[{l} - 1]]\n".format(l=layer) if layer else "")
    keep = (f"grid = grid[grid['head'] == {str(head)!r}]\n" if head else "")
    return ("from core.attention import multihead, tasks, training, transformer\n"
            "from core.config import ATTENTION\n\n"
            f"task, text = {task!r}, {text!r}\n"
            "items = tasks.parse(task, text, ATTENTION.text.max_len)\n"
            "an = transformer.analyse(training.load_task_model(task), tasks.example(task, items))\n"
            "layers = [s.weights for s in an.trace.layers]\n"
            + pick +
            "grid = multihead.grid_frame(layers, an.example.ideal, an.predicted[:-1])\n"
            + keep +
            "print(grid.to_csv(index=False))\n")


def matrix_size(T: int, heads: int, layers: int, batch: int, dtype: str) -> str:
    """Attention's price, the closed-form T × T curve."""
    return ("from core.price import costs\n\n"
            f"size = costs.matrix_size({T!r}, {heads!r}, {layers!r}, {batch!r}, {dtype!r})\n"
            "print(costs.size_curve(size).to_csv(index=False))\n")


# ---- gradients, memory and attention's price: every chart whose data core computes -----------------
def _program(imports: dict[str, str], lines: list[str], frame: str) -> str:
    """Import `imports` ({module: names}), run `lines`, print `frame` (an expression) as CSV."""
    head = "".join(f"from {m} import {names}\n" for m, names in imports.items())
    return head + "\n" + "".join(f"{line}\n" for line in lines) + f"print(({frame}).to_csv(index=False))\n"


def _merge(imports: dict[str, str], setup) -> dict[str, str]:
    """`imports` plus the class a frozen settings object's repr names (`GradientSetup(T=200, ...)`)."""
    module, name = type(setup).__module__, type(setup).__name__
    return imports | {module: f"{imports[module]}, {name}" if module in imports else name}


def jacobian_product(setup, kind: str) -> str:
    """Vanishing gradients, the Jacobian product: ‖∏ J‖ and the step spectra per distance."""
    return _program(_merge({"core.gradients.jacobians": "bounded_jacobian_view"}, setup),
                    [f"view = bounded_jacobian_view({setup!r}, {kind!r})"], "view.frame")


def phase(setup, kind: str) -> str:
    """Vanishing gradients, the phase diagram: the horizon at every ρ of the grid."""
    return _program(_merge({"core.gradients.jacobians": "phase_diagram"}, setup), [],
                    f"phase_diagram({setup!r}, {kind!r})")


def forget_gate(T: int, bias: float) -> str:
    """Vanishing gradients, the forget gate's arithmetic: f^d for fixed f and for the bias."""
    return _program({"core.gradients.profile": "forget_arithmetic"}, [], f"forget_arithmetic({T!r}, {bias!r})")


def clipping(rho: float, clip: float, seed: int) -> str:
    """Vanishing gradients, exploding and clipping: loss and gradient norm of both training runs."""
    return _program({"core.gradients.clipping": "clipping_run"}, [], f"clipping_run({rho!r}, {clip!r}, {seed!r}).frame")


def memory_steps(setup) -> str:
    """Fixed-size memory, the trajectory: per step, both models' PC scores, ‖h_t‖, saturation, cosine."""
    return _program(_merge({"core.memory.charts": "steps_frame", "core.memory.setup": "run_trajectory"}, setup),
                    [f"trajectory, note = run_trajectory({setup!r})"], "steps_frame(trajectory)")


def memory_forgetting(setup, part: str) -> str:
    """Fixed-size memory, forgetting: the sensitivity curves (`part` "sensitivity") or the probes ("probe")."""
    frame = "sensitivity" if part == "sensitivity" else "probes.accuracy"
    return _program(_merge({"core.memory.setup": "run_forgetting"}, setup),
                    [f"sensitivity, probes = run_forgetting({setup!r})"], frame)


def memory_sizes(setup) -> str:
    """Fixed-size memory, a bigger state: probe accuracy vs k at every state size N."""
    return _program(_merge({"core.memory.setup": "run_sizes"}, setup), [], f"run_sizes({setup!r})")


def seq2seq_accuracy() -> str:
    """Seq2seq: both shipped models' accuracy per source length (greedy decoding, fixed sources)."""
    return _program({"core.memory.seq2seq": "accuracy, load_variant", "core.memory.seq2seq_charts": "accuracy_frame"},
                    ["by_length = {v: accuracy(load_variant(v)).by_length for v in ('plain', 'attention')}"],
                    "accuracy_frame(by_length)")


def seq2seq_alignment(variant: str, source: tuple[int, ...]) -> str:
    """Seq2seq: one model's decoding of the reader's digits, step by step (α_ij for attention)."""
    return _program({"core.memory.seq2seq": "load_variant, translate", "core.memory.seq2seq_charts": "alignment_frame"},
                    [], f"alignment_frame(translate(load_variant({variant!r}), {tuple(source)!r}))")


def price_sweep(spec, isolated: bool = True) -> str:
    """Attention's price, a live sweep: re-measures on your machine (timings differ; the grid is the page's)."""
    imports = _merge({"pandas": "DataFrame", "core.price.sweep": "Row"}, spec)
    if not isolated:
        return _program(imports, [f"rows = [e.row for e in {spec!r}.run() if isinstance(e, Row)]"], "DataFrame(rows)")
    return _program(imports | {"core.price.isolated": "Worker"},
                    ["with Worker() as worker:",
                     f"    rows = [e.row for e in {spec!r}.run(worker) if isinstance(e, Row)]"], "DataFrame(rows)")


def lstm_params(layers: int, inputs: int, hidden: int) -> str:
    """Attention's price, a small LSTM: parameters against hidden size (closed form)."""
    return _program({"core.price": "costs"}, [], f"costs.params_curve({layers!r}, {inputs!r}, {hidden!r})")
