package dev.layerdiff.capture;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.IValueVector;
import org.bytedeco.pytorch.LongList;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.NamedTensor;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorList;
import org.bytedeco.pytorch.Tuple;
import org.bytedeco.pytorch.named_parameter_iterator;
import org.bytedeco.pytorch.named_parameter_list;
import org.bytedeco.pytorch.global.torch;

/** One forward (and optionally backward) pass of an {@link InstrumentedModule}: named tensors in order. */
final class ModelRun {
    /** Activations in the order their modules finished, then the model outputs. */
    final Map<String, Tensor> activations = new LinkedHashMap<>();
    final List<String> outputNames = new ArrayList<>();
    final Map<String, Tensor> gradients = new LinkedHashMap<>();
    final Map<String, Tensor> paramGradients = new LinkedHashMap<>();

    private final List<Tensor> originals = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    static ModelRun run(InstrumentedModule m, Inputs in, CaptureOptions o) {
        ModelRun r = new ModelRun();
        Tensor input = in.input();
        Tensor labels = in.labels();
        if (o.device().equals("cuda")) {
            if (!torch.cuda_is_available()) {
                throw new IllegalArgumentException("--device cuda: no CUDA device in this libtorch build or machine "
                        + "(the default build is CPU-only; build with -Pgpu for the CUDA one)");
            }
            Device cuda = new Device("cuda");
            m.module.to(cuda);
            input = toDevice(input, cuda);
            if (labels != null) labels = toDevice(labels, cuda);
        }
        if (o.float64()) {
            m.module.to(torch.ScalarType.Double);
            if (torch.is_floating_point(input)) input = input.to(torch.ScalarType.Double);
        }
        // Thread-local; with the profiling executor on, captured activations' gradients go missing from the second run.
        boolean optimize = torch.getGraphExecutorOptimize();
        torch.setGraphExecutorOptimize(false);
        try {
            IValue out;
            try {
                out = m.module.forward(new IValueVector(new IValue(input)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(m.file + ": forward failed on the input (" + describe(input) + "): "
                        + Errors.scriptError(e), e);
            }
            r.collect(m, out);
            if (o.grads() || o.paramGrads()) r.backward(m, labels, o);
        } finally {
            torch.setGraphExecutorOptimize(optimize);
        }
        return r;
    }

    private void collect(InstrumentedModule m, IValue result) {
        // Tensors are copied out (a new reference each) because the preset hands out references into
        // the result tuple, which dangle once its Java wrappers are collected.
        Tuple tuple = result.toTuple();
        var parts = tuple.elements();
        TensorList acts = parts.get(1).toTensorList();
        LongList ids = parts.get(2).toIntList();
        TensorList origs = m.keepOriginals ? parts.get(3).toTensorList() : null;
        Map<String, Integer> calls = new HashMap<>();
        for (long i = 0; i < acts.size(); i++) {
            String path = m.sites.get((int) ids.get(i));
            int call = calls.merge(path, 1, Integer::sum);
            // A module called twice is recorded twice: its first call keeps the plain name.
            String name = call == 1 ? path : path + "#" + call;
            activations.put(name, new Tensor(acts.get(i)));
            names.add(name);
            if (origs != null) originals.add(new Tensor(origs.get(i)));
        }
        flattenOutput(parts.get(0), "output");
    }

    private void flattenOutput(IValue v, String name) {
        if (v.isTensor()) {
            if (activations.containsKey(name)) name = name + "#model";
            activations.put(name, new Tensor(v.toTensor()));
            outputNames.add(name);
        } else if (v.isTuple()) {
            var el = v.toTuple().elements();
            for (long i = 0; i < el.size(); i++) flattenOutput(el.get(i), name + "." + i);
        } else if (v.isTensorList()) {
            TensorList l = v.toTensorList();
            for (long i = 0; i < l.size(); i++) flattenOutput(new IValue(l.get(i)), name + "." + i);
        }
        // Other outputs (None, numbers, strings, dicts) are not tensors a dump compares.
    }

    private void backward(InstrumentedModule m, Tensor labels, CaptureOptions o) {
        if (outputNames.isEmpty()) throw new IllegalArgumentException(m.file + ": the model returns no tensor to take a loss of");
        if (labels == null) {
            throw new IllegalArgumentException("--grads/--param-grads need labels: a 'labels' tensor in the input file or --labels FILE");
        }
        Tensor logits = activations.get(outputNames.get(0));
        for (Tensor t : originals) if (t.requires_grad()) t.retain_grad();
        try {
            // The model's first output is the logits, as in F.cross_entropy(output, labels).backward().
            Tensor loss = torch.cross_entropy_loss(logits, labels);
            loss.backward();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(m.file + ": cross-entropy(output " + describe(logits) + ", labels "
                    + describe(labels) + ") failed: " + Errors.firstLine(e), e);
        }
        if (o.grads()) {
            for (int i = 0; i < originals.size(); i++) {
                Tensor t = originals.get(i);
                if (!t.requires_grad()) continue;
                Tensor g = t.grad();
                if (g != null && g.defined()) gradients.put("grad/" + names.get(i), new Tensor(g));
            }
        }
        if (o.paramGrads()) {
            named_parameter_list params = m.module.named_parameters(true);
            for (named_parameter_iterator it = params.begin(); it.notEquals(params.end()); it.increment()) {
                NamedTensor p = it.access();
                Tensor g = p.value().grad();
                if (g != null && g.defined()) paramGradients.put("param_grad/" + p.name().getString(), new Tensor(g));
            }
        }
    }

    private static Tensor toDevice(Tensor t, Device d) {
        return t.to(new TensorOptions(d), false, false, new MemoryFormatOptional());
    }

    static String describe(Tensor t) {
        StringBuilder s = new StringBuilder(String.valueOf(TorchTensors.dtype(t.scalar_type().intern()))).append('[');
        for (long i = 0; i < t.dim(); i++) s.append(i == 0 ? "" : ", ").append(t.size(i));
        return s.append(']').toString();
    }
}
