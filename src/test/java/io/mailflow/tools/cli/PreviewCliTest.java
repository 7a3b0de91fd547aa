package io.mailflow.tools.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailflow.email.TemplateException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreviewCliTest {

    @Test
    void writesHtmlTextAndAParsableEml(@TempDir Path dir) throws Exception {
        List<Path> files = PreviewCli.preview("abandoned-cart", "zh-CN", "陈小明", "", dir);
        assertThat(files)
                .extracting(p -> p.getFileName().toString())
                .containsExactly("abandoned-cart-zh-CN.html", "abandoned-cart-zh-CN.txt", "abandoned-cart-zh-CN.eml");
        assertThat(Files.readString(files.get(0))).contains("sku-1001").contains("/mf/o/");
        try (InputStream in = Files.newInputStream(files.get(2))) {
            MimeMessage m = new MimeMessage(Session.getInstance(new Properties()), in);
            assertThat(m.getSubject()).isEqualTo("陈小明，您的购物车里还有 2 件商品");
            assertThat(m.getHeader("List-Unsubscribe-Post")[0]).isEqualTo("List-Unsubscribe=One-Click");
            assertThat(m.getMessageID()).isEqualTo("<preview-request@mailflow.local>");
        }
    }

    @Test
    void templateErrorsNameTheTemplate(@TempDir Path dir) throws Exception {
        Path t = dir.resolve("templates/bad/en");
        Files.createDirectories(t);
        Files.writeString(t.resolve("subject.vm"), "Hi $nobody");
        assertThatThrownBy(() -> PreviewCli.preview("bad", "en", "Ann", dir.toString(), dir.resolve("out")))
                .isInstanceOf(TemplateException.class)
                .hasMessageContaining("templates/bad/en/subject.vm line 1");
    }
}
