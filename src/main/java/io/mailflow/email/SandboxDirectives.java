package io.mailflow.email;

import java.io.IOException;
import java.io.Writer;
import org.apache.velocity.context.InternalContextAdapter;
import org.apache.velocity.runtime.directive.Include;
import org.apache.velocity.runtime.directive.Parse;
import org.apache.velocity.runtime.parser.node.Node;

/**
 * {@code #parse} and {@code #include} confined to the template tree: the argument must be a path under
 * {@code templates/} without {@code ..}, so a template cannot read the configuration, the classpath or the
 * file system. They replace Velocity's own directives of the same names (see {@link TemplateRenderer}).
 */
public final class SandboxDirectives {
    private SandboxDirectives() {}

    /** Whether {@code path} names a file inside the template tree. */
    static boolean insideTemplates(String path) {
        return path != null
                && path.startsWith("templates/")
                && !path.contains("..")
                && !path.contains("\\")
                && !path.contains("//")
                && !path.contains(":")
                && path.chars().noneMatch(Character::isISOControl);
    }

    static void check(String directive, InternalContextAdapter context, Node node, String template, int line) {
        for (int i = 0; i < node.jjtGetNumChildren(); i++) {
            Object value = node.jjtGetChild(i).value(context);
            if (value != null && !insideTemplates(value.toString())) {
                // the path is not quoted: it may come from data (a name, an address)
                throw new SandboxViolation(
                        template, line, "#" + directive + " of a file outside the template directory is not allowed");
            }
        }
    }

    /** {@code #parse} limited to the template tree. */
    public static final class SandboxParse extends Parse {
        @Override
        public boolean render(InternalContextAdapter context, Writer writer, Node node) throws IOException {
            check(getName(), context, node, getTemplateName(), getLine());
            return super.render(context, writer, node);
        }
    }

    /** {@code #include} limited to the template tree. */
    public static final class SandboxInclude extends Include {
        @Override
        public boolean render(InternalContextAdapter context, Writer writer, Node node) throws IOException {
            check(getName(), context, node, getTemplateName(), getLine());
            return super.render(context, writer, node);
        }
    }
}
