package io.mailflow.email;

import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.velocity.runtime.directive.ForeachScope;
import org.apache.velocity.runtime.directive.Scope;
import org.apache.velocity.util.introspection.Info;
import org.apache.velocity.util.introspection.SecureUberspector;
import org.apache.velocity.util.introspection.VelMethod;
import org.apache.velocity.util.introspection.VelPropertyGet;
import org.apache.velocity.util.introspection.VelPropertySet;

/**
 * Velocity introspection for untrusted templates: an allow-list on top of Velocity's {@link SecureUberspector}
 * (which already refuses {@code Class}, class loaders, threads, {@code System}, {@code Runtime} and reflection).
 *
 * <p>A template may call only the reading methods of the plain data the renderer puts in its context (strings,
 * numbers, booleans, maps, lists) and of {@link TextTools}; everything else, {@code getClass()} included, is
 * refused with the method, the type, the template and the line. Templates cannot set properties (no
 * {@code #set($map.key = ...)}), and every {@code #foreach} stops with an error after
 * {@value #MAX_LOOP_PROPERTY} iterations instead of silently truncating, so a hostile range cannot spin.
 */
public final class SandboxUberspector extends SecureUberspector {
    /** The Velocity property holding the iteration limit of one {@code #foreach}. */
    static final String MAX_LOOP_PROPERTY = "mailflow.sandbox.max_loop_iterations";

    private static final Map<Class<?>, Set<String>> ALLOWED = Map.of(
            String.class,
                    Set.of(
                            "length",
                            "isEmpty",
                            "isBlank",
                            "toUpperCase",
                            "toLowerCase",
                            "trim",
                            "strip",
                            "startsWith",
                            "endsWith",
                            "contains",
                            "indexOf",
                            "lastIndexOf",
                            "equals",
                            "equalsIgnoreCase",
                            "substring",
                            "charAt",
                            "compareTo",
                            "toString"),
            Number.class, Set.of("intValue", "longValue", "doubleValue", "compareTo", "equals", "toString"),
            Boolean.class, Set.of("booleanValue", "equals", "toString"),
            Map.class, Set.of("get", "getOrDefault", "containsKey", "isEmpty", "size", "keySet", "values", "entrySet"),
            Map.Entry.class, Set.of("getKey", "getValue"),
            List.class, Set.of("get", "size", "isEmpty", "contains", "indexOf"),
            Collection.class, Set.of("size", "isEmpty", "contains"),
            ForeachScope.class,
                    Set.of(
                            "getIndex",
                            "getCount",
                            "hasNext",
                            "getHasNext",
                            "isFirst",
                            "getFirst",
                            "isLast",
                            "getLast",
                            "stop",
                            "getParent",
                            "getTopmost"),
            Scope.class, Set.of("stop", "getParent", "getTopmost"),
            TextTools.class, Set.of("truncate", "url", "money"));

    private int maxLoop;

    @Override
    public void init() {
        super.init();
        maxLoop = rsvc.getInt(MAX_LOOP_PROPERTY, 1_000);
    }

    /** Whether a template may call {@code method} on a value of {@code type}. */
    static boolean allowed(Class<?> type, String method) {
        for (Map.Entry<Class<?>, Set<String>> e : ALLOWED.entrySet()) {
            if (e.getKey().isAssignableFrom(type) && e.getValue().contains(method)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public VelMethod getMethod(Object obj, String methodName, Object[] args, Info i) {
        if (obj != null && !allowed(obj.getClass(), methodName)) {
            throw refused(methodName + "()", obj, i);
        }
        return super.getMethod(obj, methodName, args, i);
    }

    @Override
    public VelPropertyGet getPropertyGet(Object obj, String identifier, Info i) {
        VelPropertyGet getter = super.getPropertyGet(obj, identifier, i);
        if (getter != null && obj != null && !allowed(obj.getClass(), getter.getMethodName())) {
            throw refused(getter.getMethodName() + "() (." + identifier + ")", obj, i);
        }
        return getter;
    }

    @Override
    public VelPropertySet getPropertySet(Object obj, String identifier, Object arg, Info i) {
        throw new SandboxViolation(
                i.getTemplateName(), i.getLine(), "setting ." + identifier + " is not allowed in templates");
    }

    @Override
    public Iterator getIterator(Object obj, Info i) {
        if (!(obj instanceof Collection || obj instanceof Map)) {
            throw refused("#foreach", obj, i);
        }
        Iterator<?> it = super.getIterator(obj, i);
        return it == null ? null : new Bounded(it, maxLoop, i);
    }

    private static SandboxViolation refused(String what, Object obj, Info i) {
        String type = obj == null ? "null" : obj.getClass().getSimpleName();
        return new SandboxViolation(
                i.getTemplateName(), i.getLine(), what + " is not allowed on " + type + " in templates");
    }

    /** Iterates at most {@code max} elements, then fails: a loop that long is a template bug or an attack. */
    private static final class Bounded implements Iterator<Object> {
        private final Iterator<?> it;
        private final int max;
        private final Info info;
        private int n;

        Bounded(Iterator<?> it, int max, Info info) {
            this.it = it;
            this.max = max;
            this.info = info;
        }

        @Override
        public boolean hasNext() {
            return it.hasNext();
        }

        @Override
        public Object next() {
            if (++n > max) {
                throw new SandboxViolation(
                        info.getTemplateName(), info.getLine(), "#foreach ran more than " + max + " iterations");
            }
            return it.next();
        }
    }
}
