package dev.layerdiff.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.pytorch.Block;
import org.bytedeco.pytorch.BlockArrayRef;
import org.bytedeco.pytorch.ClassType;
import org.bytedeco.pytorch.CompilationUnit;
import org.bytedeco.pytorch.Function;
import org.bytedeco.pytorch.Graph;
import org.bytedeco.pytorch.IValue;
import org.bytedeco.pytorch.JitModule;
import org.bytedeco.pytorch.JitNode;
import org.bytedeco.pytorch.Method;
import org.bytedeco.pytorch.QualifiedName;
import org.bytedeco.pytorch.Symbol;
import org.bytedeco.pytorch.Type;
import org.bytedeco.pytorch.Value;
import org.bytedeco.pytorch.ValueVector;
import org.bytedeco.pytorch.global.torch;

/**
 * A TorchScript module whose forward graph was rewritten so that one run also returns the output of
 * every submodule {@code forward} call, in the order the calls finish (the order forward hooks fire).
 *
 * <p>Hooks registered from C++/Java never fire in TorchScript (only Python inserts hook calls), so the
 * graph is edited instead: every {@code prim::CallMethod} is inlined (nested calls in turn), and where
 * a call's body ends, its output is appended to lists created at the top of the graph: a detached clone
 * (the value at that moment, as a hook that clones sees it, even if an in-place op changes it later),
 * the call site's id, and, for gradients, the tensor itself. Appending to lists rather than returning
 * values works inside {@code prim::If} and {@code prim::Loop} blocks, and records a module called
 * twice once per call.
 */
final class InstrumentedModule {

    private static final Pattern GET_ATTR = Pattern.compile("%(\\S+) : [^\\n]*?= prim::GetAttr\\[name=\"([^\"]+)\"\\]");
    private static final Pattern CALL_METHOD = Pattern.compile("%(\\S+) : [^\\n]*?= prim::CallMethod\\[name=\"([^\"]+)\"\\]");

    final Path file;
    final JitModule module;
    final Method forward;
    /** Module path of each call site, indexed by the site id the graph records. */
    final List<String> sites = new ArrayList<>();
    final boolean keepOriginals;

    // Keeps the helper function (and the list types taken from its graph) alive as long as the module.
    private final CompilationUnit helper;
    private final Graph graph;
    private final Value self;
    private final Type.TypePtr tensorList;
    private final Type.TypePtr intList;
    private Value acts;
    private Value ids;
    private Value originals;

    private InstrumentedModule(Path file, JitModule module, boolean keepOriginals) {
        this.file = file;
        this.module = module;
        this.forward = module.get_method("forward");
        this.graph = forward.graph();
        this.self = graph.inputs().get(0);
        this.keepOriginals = keepOriginals;
        // The preset offers no safe way to build a List[Tensor] type from Java; a compiled signature does.
        this.helper = torch.compile("def types(a: List[Tensor], b: List[int]) -> int:\n    return 0\n");
        Graph types = torch.toGraphFunction(helper.get_function(new QualifiedName("types"))).graph();
        this.tensorList = types.inputs().get(0).type();
        this.intList = types.inputs().get(1).type();
    }

    /**
     * Loads {@code file} with {@code torch::jit::load} and instruments its forward method.
     *
     * @param keepOriginals also return the activation tensors themselves, for gradients
     */
    static InstrumentedModule load(Path file, boolean keepOriginals) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString());
        if (Files.isDirectory(file)) throw new IOException(file + ": is a directory, not a TorchScript module");
        JitModule m;
        try {
            m = torch.load(file.toString());
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a TorchScript module (save it with torch.jit.trace/script and .save()): "
                    + Errors.firstLine(e), e);
        }
        if (!m.find_method("forward").has_value()) throw new IOException(file + ": the TorchScript module has no forward method");
        InstrumentedModule im = new InstrumentedModule(file, m, keepOriginals);
        try {
            im.instrument();
        } catch (RuntimeException e) {
            throw new IOException(file + ": cannot instrument the forward graph: " + Errors.firstLine(e), e);
        }
        return im;
    }

    private void instrument() throws IOException {
        JitNode first = graph.nodes().front();
        acts = newList(tensorList, first);
        ids = newList(intList, first);
        if (keepOriginals) originals = newList(tensorList, first);
        walk(graph.block());
        JitNode ret = graph.return_node();
        ValueVector parts = keepOriginals ? new ValueVector(ret.input(0), acts, ids, originals) : new ValueVector(ret.input(0), acts, ids);
        JitNode tuple = graph.createTuple(parts);
        tuple.insertBefore(ret);
        ret.replaceInput(0, tuple.output());
    }

    private Value newList(Type.TypePtr listType, JitNode before) {
        JitNode n = graph.create(Symbol.fromQualString("prim::ListConstruct"), new ValueVector(), 1);
        n.output().setType(listType);
        n.insertBefore(before);
        return n.output();
    }

    /** A call whose body is inlined but not yet walked to its end. */
    private static final class Pending {
        final int site;
        final JitNode next;
        Value output;

        Pending(int site, Value output, JitNode next) {
            this.site = site;
            this.output = output;
            this.next = next;
        }
    }

    /** Every open call, in all blocks: a call that returns a nested call's result must follow its inlining. */
    private final List<Pending> open = new ArrayList<>();

    /** Inlines the calls of one block in execution order and records each call where its body ends. */
    private void walk(Block block) throws IOException {
        JitNode end = block.return_node();
        Deque<Pending> stack = new ArrayDeque<>();
        JitNode n = block.nodes().front();
        while (true) {
            while (!stack.isEmpty() && stack.peek().next.equals(n)) {
                Pending p = stack.pop();
                open.remove(p);
                record(p, n);
            }
            if (n.equals(end)) break;
            String kind = kind(n);
            if (kind.equals("prim::CallMethod")) {
                JitNode prev = n.prev();
                JitNode next = n.next();
                Value moduleValue = n.input(0);
                ClassType type = new ClassType(moduleValue.type().get());
                String method = methodName(n, type);
                String path = modulePath(moduleValue);
                Function fn = type.getMethod(method);
                long[] before = new long[(int) n.outputs().size()];
                for (int i = 0; i < before.length; i++) before[i] = n.output(i).address();
                ValueVector outs = torch.inlineCallTo(n, torch.toGraphFunction(fn), false);
                for (Pending p : open) {
                    for (int i = 0; i < before.length; i++) if (p.output.address() == before[i]) p.output = outs.get(i);
                }
                // Hooks fire for forward only; helper methods are inlined to reach the calls inside them.
                if (method.equals("forward") && outs.size() == 1) {
                    sites.add(path);
                    Pending p = new Pending(sites.size() - 1, outs.get(0), next);
                    stack.push(p);
                    open.add(p);
                }
                n = prev.next();
                continue;
            }
            BlockArrayRef blocks = n.blocks();
            for (long i = 0; i < blocks.size(); i++) walk(blocks.get(i));
            n = n.next();
        }
    }

    /** Appends a call's output to the capture lists, just before {@code before} (where its body ended). */
    private void record(Pending p, JitNode before) {
        Value out = p.output;
        // Enums returned by the preset are fresh objects with ordinal 0: intern() finds the constant.
        torch.TypeKind k = out.type().get().kind().intern();
        if (k == torch.TypeKind.TupleType) {
            // A hook sees the tuple; dumps (like the reference hook script) keep its first element.
            JitNode unpack = graph.createTupleUnpack(out);
            unpack.insertBefore(before);
            out = unpack.output(0);
            k = out.type().get().kind().intern();
        }
        if (k != torch.TypeKind.TensorType) return;
        graph.setInsertPoint(before);
        Value id = graph.insertConstant(new IValue((long) p.site));
        Value none = graph.insertConstant(new IValue());
        // inlineCallTo restores the insert point when it is done; it must not be a node inlined (destroyed) later.
        graph.setInsertPoint(graph.block());
        append(ids, id, intList, before);
        if (keepOriginals) append(originals, out, tensorList, before);
        Value detached = op("aten::detach", before, out);
        Value clone = op("aten::clone", before, detached, none);
        append(acts, clone, tensorList, before);
    }

    private Value op(String name, JitNode before, Value... inputs) {
        JitNode n = graph.create(Symbol.fromQualString(name), new ValueVector(inputs), 1);
        n.output().setType(inputs[0].type());
        n.insertBefore(before);
        return n.output();
    }

    private void append(Value list, Value element, Type.TypePtr listType, JitNode before) {
        JitNode n = graph.create(Symbol.fromQualString("aten::append"), new ValueVector(list, element), 1);
        n.output().setType(listType);
        n.insertBefore(before);
    }

    /** The dotted path of a module value, as {@code named_modules()} names it. */
    private String modulePath(Value v) throws IOException {
        if (v.equals(self)) return "";
        JitNode n = v.node();
        if (!kind(n).equals("prim::GetAttr")) {
            throw new IOException(file + ": a module call goes to a module value made by " + kind(n)
                    + ", not by attribute access; cannot name it");
        }
        String parent = modulePath(n.input(0));
        String attr = attributeName(n);
        return parent.isEmpty() ? attr : parent + "." + attr;
    }

    /**
     * The attribute a {@code prim::GetAttr} reads. The preset's {@code Node.s()} returns garbage, so the
     * name is found by the unique parent slot of the output's type (types are unique per module when
     * traced); scripted modules share types between equal submodules, and then the printed graph decides.
     */
    private String attributeName(JitNode getAttr) throws IOException {
        ClassType parent = new ClassType(getAttr.input(0).type().get());
        long target = getAttr.output().type().get().address();
        String found = null;
        int matches = 0;
        for (long i = 0; i < parent.numAttributes(); i++) {
            if (parent.getAttribute(i).get().address() == target) {
                matches++;
                found = parent.getAttributeName(i).getString();
            }
        }
        if (matches == 1) return found;
        return fromPrintedGraph(GET_ATTR, getAttr.output(), "attribute name");
    }

    private String methodName(JitNode call, ClassType type) throws IOException {
        if (type.methods().size() == 1) return type.methods().get(0).name().getString();
        return fromPrintedGraph(CALL_METHOD, call.output(0), "method name");
    }

    private String fromPrintedGraph(Pattern pattern, Value output, String what) throws IOException {
        String name = output.debugName().getString();
        Matcher m = pattern.matcher(graph.toString());
        while (m.find()) {
            if (m.group(1).equals(name)) return m.group(2);
        }
        throw new IOException(file + ": cannot find the " + what + " of %" + name + " in the forward graph");
    }

    private static String kind(JitNode n) {
        return n.kind().toQualString().getString();
    }
}
