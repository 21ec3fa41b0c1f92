package dev.zt.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.zt.core.Decision;
import dev.zt.core.Enforcer;
import dev.zt.core.RequestContext;
import dev.zt.core.RequestHeaders;
import dev.zt.core.WireResponse;
import dev.zt.core.internal.ClientAddresses;
import dev.zt.core.internal.pipeline.CoreAccess;
import dev.zt.core.internal.pipeline.Step;
import dev.zt.policy.PolicyFile;
import dev.zt.policy.TestTokens;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code zt explain FILE --request 'GET /orders/42' (--claims JSON | --token JWT)}: each gate's step and the exact
 * answer the service would give. With {@code --claims} a real token is minted from the claims with a key that stands
 * in for the issuer's (as the embedded tests do); with {@code --token} the token is checked against the issuer's real
 * keys (fetched from it).
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Shows how FILE decides one request: each gate's step and the exact HTTP answer.")
final class ExplainCommand implements Callable<Integer> {

  private static final long TIMEOUT_SECONDS = 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Parameters(paramLabel = "FILE", description = "The policy file (zt-policy.yaml).")
  String file;

  @Option(names = "--request", required = true, paramLabel = "'METHOD TARGET'",
      description = "The request line, e.g. 'GET /orders/42?x=1'.")
  String request;

  static final class Credential {
    @Option(names = "--claims", paramLabel = "JSON",
        description = "The token's claims as a JSON object; a token is minted from them.")
    String claims;

    @Option(names = "--token", paramLabel = "JWT",
        description = "A real access token, validated with the issuer's keys.")
    String token;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Credential credential;

  @Option(names = "--header", paramLabel = "'NAME: VALUE'", description = "A request header field (repeatable).")
  List<String> headers = List.of();

  @Option(names = "--client", paramLabel = "IP", description = "The client address (default 127.0.0.1).")
  String client;

  @Mixin
  PolicyInput input;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = input.out();
    PrintWriter err = input.err();
    String[] line = request.trim().split("\\s+");
    if (line.length != 2) {
      err.println("zt explain: --request takes 'METHOD TARGET', e.g. 'GET /orders/42'");
      return Zt.ERROR;
    }
    Map<String, List<String>> fields = new LinkedHashMap<>();
    for (String h : headers) {
      int colon = h.indexOf(':');
      if (colon <= 0) {
        err.println("zt explain: --header takes 'NAME: VALUE', not '" + h + "'");
        return Zt.ERROR;
      }
      fields.computeIfAbsent(h.substring(0, colon).trim(), k -> new ArrayList<>()).add(h.substring(colon + 1).trim());
    }
    InetAddress address = InetAddress.getLoopbackAddress();
    if (client != null) {
      var parsed = ClientAddresses.literal(client);
      if (parsed.isEmpty()) {
        err.println("zt explain: --client takes an IP address literal, not '" + client + "'");
        return Zt.ERROR;
      }
      address = parsed.get();
    }
    PolicyFile policy = input.load(file);
    if (policy == null) {
      return Zt.ERROR;
    }
    Enforcer enforcer;
    String who;
    if (credential != null && credential.token != null) {
      enforcer = policy.enforcerBuilder().build();
      fields.put("Authorization", List.of("Bearer " + credential.token));
      who = "the token given (validated with the issuer's keys)";
    } else {
      TestTokens tokens = TestTokens.forPolicy(policy);
      enforcer = tokens.enforcerBuilder().build();
      if (credential != null && credential.claims != null) {
        Map<String, Object> claims;
        try {
          @SuppressWarnings("unchecked")
          Map<String, Object> parsed = JSON.readValue(credential.claims, Map.class);
          claims = parsed;
        } catch (Exception e) {
          err.println("zt explain: --claims is not a JSON object");
          return Zt.ERROR;
        }
        fields.put("Authorization", List.of("Bearer " + tokens.mint(claims)));
        who = "a token minted from --claims " + JSON.writeValueAsString(claims);
      } else {
        who = "anonymous (no credential)";
      }
    }
    RequestContext context;
    try {
      context = RequestContext.forRequestTarget(line[0], line[1]).headers(RequestHeaders.of(fields))
          .clientAddress(address).build();
    } catch (IllegalArgumentException e) {
      err.println("zt explain: " + e.getMessage());
      return Zt.ERROR;
    }
    List<String> steps = new ArrayList<>();
    CompletableFuture<Decision> pending = CoreAccess.enforcers()
        .enforceTraced(enforcer, context, (gate, step) -> steps.add(gate + "\u0000" + describe(step)))
        .toCompletableFuture();
    Decision decision = pending.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (decision instanceof Decision.ReadForm form) {
      steps.add("form\u0000asks for the form body (none given: decided on an empty one)");
      decision = enforcer.enforceForm(form, context.withFormBody(new byte[0])).toCompletableFuture()
          .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    out.println("request   " + line[0] + " " + line[1]);
    out.println("caller    " + who);
    out.println("policy    " + file + " (" + policy.revision() + ")");
    out.println("gates");
    int width = steps.stream().mapToInt(s -> s.indexOf('\u0000')).max().orElse(0);
    for (String s : steps) {
      int sep = s.indexOf('\u0000');
      out.println("  " + pad(s.substring(0, sep), width) + "  " + s.substring(sep + 1));
    }
    if (decision instanceof Decision.Allow allow) {
      out.println("decision  allow by rule '" + allow.rule() + "'" + allow.caller().subject()
          .map(s -> " for sub '" + s + "'").orElse(""));
      out.println("answer    none from zt: the request goes on to the application, which answers it"
          + (allow.responseHeaders().isEmpty() ? "" : "; zt adds " + allow.responseHeaders()));
    } else if (decision instanceof Decision.Deny deny) {
      out.println("decision  deny " + deny.reason() + " by rule '" + deny.rule() + "' at gate '" + deny.gate() + "'");
      printAnswer(out, enforcer.respond(deny));
    } else if (decision instanceof Decision.Answer answer) {
      out.println("decision  answered by zt itself (rule '" + answer.rule() + "')");
      printAnswer(out, answer.response());
    }
    return Zt.OK;
  }

  private static void printAnswer(PrintWriter out, WireResponse wire) {
    out.println("answer");
    out.println("  HTTP/1.1 " + wire.status() + " " + reasonPhrase(wire.status()));
    for (Map.Entry<String, String> f : wire.fields()) {
      out.println("  " + f.getKey() + ": " + f.getValue());
    }
    if (!wire.body().isEmpty()) {
      out.println();
      out.println("  " + wire.body());
    }
  }

  static String describe(Step step) {
    if (step instanceof Step.Stop stop) {
      return "deny " + stop.reason() + (stop.requiredScopes().isEmpty() ? "" : " (needs " + stop.requiredScopes()
          + ")");
    }
    if (step instanceof Step.Later) {
      return "waits for remote I/O (key fetch, introspection, PDP)";
    }
    return "proceed";
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  static String reasonPhrase(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 408 -> "Request Timeout";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 415 -> "Unsupported Media Type";
      case 429 -> "Too Many Requests";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 503 -> "Service Unavailable";
      default -> "";
    };
  }
}
