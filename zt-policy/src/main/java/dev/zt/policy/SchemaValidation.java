package dev.zt.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;

/** The document against the published JSON Schema (2020-12), each violation a problem at its JSON pointer. */
final class SchemaValidation {

  static final String RESOURCE = "zt-policy.schema.json";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonSchema SCHEMA = load();

  private SchemaValidation() {}

  private static JsonSchema load() {
    try (InputStream in = SchemaValidation.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the policy schema " + RESOURCE + " is missing from zt-policy");
      }
      JsonNode schema = JSON.readTree(in);
      SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().pathType(PathType.JSON_POINTER)
          .locale(java.util.Locale.ROOT).build();
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema, config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The schema's text, as published. */
  static String text() {
    try (InputStream in = SchemaValidation.class.getResourceAsStream(RESOURCE)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void validate(YamlTree tree, Problems problems) {
    JsonNode doc = JSON.valueToTree(tree.root);
    List<ValidationMessage> messages = SCHEMA.validate(doc).stream()
        .sorted(Comparator.comparing((ValidationMessage m) -> tree.line(pointer(m))).thenComparing(m -> pointer(m)))
        .toList();
    for (ValidationMessage m : messages) {
      String pointer = pointer(m);
      problems.add(pointer, tree.line(pointer), m.getError() == null ? m.getMessage() : m.getError());
    }
  }

  private static String pointer(ValidationMessage m) {
    String at = m.getInstanceLocation() == null ? "" : m.getInstanceLocation().toString();
    if (at.equals("/")) {
      at = "";
    }
    if ("additionalProperties".equals(m.getType()) && m.getProperty() != null) {
      at = at + "/" + YamlTree.token(m.getProperty());
    }
    return at;
  }
}
