package io.mailflow.email;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.model.AddressedRequest;
import io.mailflow.model.Recipient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile templates: whoever can write a template must not be able to run code, read the environment or
 * other files, or hang or crash the job. Each one ends in a {@link TemplateException} naming the template
 * and the reason (and so in a dead letter), and nothing it asked for is executed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = ThreadMode.SEPARATE_THREAD)
class TemplateSandboxTest {
    private static final Map<String, Object> GLOBALS = Map.of("shopUrl", "https://shop.test", "shopName", "Test Shop");

    @TempDir
    Path dir;

    @Test
    void reflectionCannotReachTheEnvironment() throws Exception {
        TemplateException e =
                renderSubject("Hi $name.getClass().forName('java.lang.System').getProperty('java.version')");
        assertThat(e.template()).isEqualTo("templates/hostile/en/subject.vm");
        assertThat(e.line()).isEqualTo(1);
        assertThat(e.getMessage()).contains("getClass").contains("not allowed");
    }

    @Test
    void runtimeExecIsNeverRun() throws Exception {
        Path marker = dir.resolve("pwned");
        TemplateException e = renderSubject(
                "$name.getClass().forName('java.lang.Runtime').getRuntime().exec('touch " + marker + "')");
        assertThat(e.getMessage()).contains("not allowed");
        Thread.sleep(200);
        assertThat(marker).doesNotExist();
    }

    @Test
    void velocityToolsAreNotInTheContext() throws Exception {
        TemplateException e = renderSubject("$class.inspect('java.lang.System').type");
        assertThat(e.getMessage()).contains("$class");
    }

    @Test
    void onlyReadingMethodsOfPlainDataAreAllowed() throws Exception {
        assertThat(renderSubject("$name.repeat(2000000000)").getMessage())
                .contains("repeat")
                .contains("not allowed");
        assertThat(renderSubject("$items.clear()").getMessage())
                .contains("clear")
                .contains("not allowed");
        assertThat(renderSubject("#set($items[0].price = 0)x").getMessage()).contains("not allowed");
    }

    @Test
    void anEndlessLoopStopsAtTheLoopLimit() throws Exception {
        TemplateException e = renderSubject("x\n#foreach($i in [1..2000000000])#end");
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.getMessage())
                .contains("#foreach")
                .contains("more than " + TemplateRenderer.Limits.DEFAULTS.maxLoopIterations());
    }

    @Test
    void nestedLoopsStopAtTheWorkBudget() throws Exception {
        TemplateException e = renderSubject("#foreach($i in [1..1000])#foreach($j in [1..1000])#set($k = $j)#end#end");
        assertThat(e.getMessage()).contains("work limit");
    }

    @Test
    void recursiveMacrosStopAtTheDepthLimit() throws Exception {
        TemplateException e = renderSubject("#macro(down $n)#down($n)#end\n#down(1)");
        assertThat(e.getMessage()).contains("depth of " + TemplateRenderer.Limits.DEFAULTS.maxMacroDepth());
    }

    @Test
    void wideRecursiveMacrosStopAtTheWorkBudget() throws Exception {
        TemplateException e = renderSubject("#macro(w)#w()#w()#w()#w()#w()#w()#w()#w()#end#w()");
        assertThat(e.getMessage()).containsAnyOf("work limit", "depth of");
    }

    @Test
    void aStringDoublingItselfStopsAtTheSizeLimit() throws Exception {
        TemplateException e =
                renderSubject("#set($s = 'xxxxxxxx')#foreach($i in [1..40])#set($s = \"$s$s\")#end$s.length()");
        assertThat(e.getMessage()).contains("size limit");
    }

    @Test
    void outputIsBounded() throws Exception {
        write("hostile/en/subject.vm", "Hi");
        write(
                "hostile/en/html.vm",
                "#foreach($i in [1..900])#foreach($j in [1..100])$shopName $shopName $shopName #end#end");
        write("hostile/en/text.vm", "text");
        TemplateException e = render();
        assertThat(e.template()).isEqualTo("templates/hostile/en/html.vm");
        assertThat(e.getMessage()).containsAnyOf("size limit", "work limit");
    }

    @Test
    void deeplyNestedExpressionsAreAnErrorNotACrash() throws Exception {
        TemplateException e = renderSubject("#set($x = " + "(".repeat(200_000) + "1" + ")".repeat(200_000) + ")");
        assertThat(e.template()).isEqualTo("templates/hostile/en/subject.vm");
        assertThat(e.getMessage()).contains("too deeply nested");
    }

    @Test
    void includeAndParseStayInsideTheTemplateDirectory() throws Exception {
        Files.writeString(dir.resolve("outside.txt"), "private");
        assertThat(renderSubject("#include('outside.txt')").getMessage())
                .contains("#include")
                .contains("outside the template directory");
        assertThat(renderSubject("#parse('templates/../outside.txt')").getMessage())
                .contains("outside the template directory");
        assertThat(renderSubject("#include('log4j2-test.properties')").getMessage())
                .contains("outside the template directory");
    }

    @Test
    void includeAndParseInsideTheTemplateDirectoryStillWork() throws Exception {
        write("shared/en/footer.vm", "Yours, $shopName");
        write("hostile/en/subject.vm", "Hi $name #parse('templates/shared/en/footer.vm')");
        write("hostile/en/html.vm", "<p>x</p>");
        write("hostile/en/text.vm", "#include('templates/shared/en/footer.vm')");
        TemplateRenderer.Rendered r = renderer().render(TemplateRendererTest.request("hostile", "Ann", "en"));
        assertThat(r.subject()).isEqualTo("Hi Ann Yours, Test Shop");
        assertThat(r.text()).isEqualTo("Yours, $shopName");
    }

    @Test
    void theHelperToolsWork() throws Exception {
        write("hostile/en/subject.vm", "$text.truncate($name, 3) $text.url('a b&c') $text.money(3.5)");
        write("hostile/en/html.vm", "<p>x</p>");
        write("hostile/en/text.vm", "x");
        TemplateRenderer.Rendered r = renderer().render(TemplateRendererTest.request("hostile", "Annabel", "en"));
        assertThat(r.subject()).isEqualTo("Ann… a+b%26c 3.50");
    }

    @Test
    void errorsNeverQuoteTheRecipientsAddress() throws Exception {
        String address = "ann.private@example.org";
        write("hostile/en/subject.vm", "Hi\n#parse($name)");
        write("hostile/en/html.vm", "<p>x</p>");
        write("hostile/en/text.vm", "x");
        AddressedRequest a = TemplateRendererTest.request("hostile", "Ann", "en");
        AddressedRequest named = new AddressedRequest(a.request(), new Recipient(address, address, "en", "UTC"));
        assertThatThrownBy(() -> renderer().render(named)).isInstanceOfSatisfying(TemplateException.class, e -> {
            assertThat(e.line()).isEqualTo(2);
            assertThat(e.getMessage()).doesNotContainIgnoringCase(address).doesNotContainIgnoringCase("ann.private");
        });
    }

    private TemplateException renderSubject(String subject) throws Exception {
        write("hostile/en/subject.vm", subject);
        write("hostile/en/html.vm", "<p>x</p>");
        write("hostile/en/text.vm", "x");
        return render();
    }

    private TemplateException render() {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> renderer().render(TemplateRendererTest.request("hostile", "Ann", "en")));
        assertThat(t).isInstanceOf(TemplateException.class);
        return (TemplateException) t;
    }

    private TemplateRenderer renderer() {
        return new TemplateRenderer(dir.toString(), GLOBALS);
    }

    private void write(String rel, String content) throws Exception {
        Path p = dir.resolve("templates").resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }
}
