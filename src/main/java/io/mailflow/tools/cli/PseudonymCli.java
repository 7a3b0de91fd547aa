package io.mailflow.tools.cli;

import io.mailflow.privacy.Pseudonymizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The shop's side of the pseudonyms (docs/privacy.md, "Pseudonymous ids"): with the job's key in
 * {@code MAILFLOW_PSEUDONYM_KEY}, compute the pseudonym of its user ids, or find which of its users a pseudonym
 * in a topic, a support request or an e-mail header belongs to.
 *
 * <pre>
 * MAILFLOW_PSEUDONYM_KEY=... java -cp mailflow-tools.jar io.mailflow.tools.cli.PseudonymCli --key-id p1 u-42 u-43
 * MAILFLOW_PSEUDONYM_KEY=... java -cp mailflow-tools.jar io.mailflow.tools.cli.PseudonymCli --key-id p1 &lt; user-ids.txt
 * MAILFLOW_PSEUDONYM_KEY=... java -cp mailflow-tools.jar io.mailflow.tools.cli.PseudonymCli --key-id p1 --find p1_... &lt; user-ids.txt
 * </pre>
 *
 * Prints {@code <id> TAB <pseudonym>} per id (ids from the arguments, else one a line on standard input); with
 * {@code --find}, the ids among standard input whose pseudonym is one of those given. The key is never printed.
 * Exit status: 0 done (found), 1 nothing found, 2 usage or key error.
 */
public final class PseudonymCli {
    private PseudonymCli() {}

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err, System::getenv));
    }

    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, UnaryOperator<String> env) {
        String keyId = "p1";
        Set<String> find = new HashSet<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if ((args[i].equals("--key-id") || args[i].equals("--find")) && i + 1 < args.length) {
                if (args[i].equals("--key-id")) {
                    keyId = args[++i];
                } else {
                    find.add(args[++i]);
                }
            } else if (args[i].startsWith("--")) {
                return usage(err, "unknown or incomplete option " + args[i]);
            } else {
                ids.add(args[i]);
            }
        }
        if (!find.isEmpty() && !ids.isEmpty()) {
            return usage(err, "--find reads the shop's user ids from standard input, not from the arguments");
        }
        Pseudonymizer p;
        try {
            p = Pseudonymizer.of(keyId, env.apply(Pseudonymizer.KEY_ENV));
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        try {
            if (ids.isEmpty()) {
                ids = readLines(in);
            }
        } catch (IOException e) {
            err.println("cannot read standard input: " + e.getMessage());
            return 2;
        }
        int found = 0;
        for (String id : ids) {
            String pseudonym = p.pseudonym(id);
            if (find.isEmpty() || find.contains(pseudonym)) {
                out.println(id + "\t" + pseudonym);
                found++;
            }
        }
        return found > 0 ? 0 : 1;
    }

    private static List<String> readLines(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = r.readLine(); line != null; line = r.readLine()) {
            if (!line.isBlank()) {
                lines.add(line.strip());
            }
        }
        return lines;
    }

    private static int usage(PrintStream err, String problem) {
        err.println(problem);
        err.println("usage: PseudonymCli [--key-id ID] [USER_ID ...]        (ids from stdin when none are given)");
        err.println("       PseudonymCli [--key-id ID] --find PSEUDONYM ... < user-ids.txt");
        err.println("       the key comes from " + Pseudonymizer.KEY_ENV + "; the key id must be the job's"
                + " privacy.pseudonyms.key-id");
        return 2;
    }
}
