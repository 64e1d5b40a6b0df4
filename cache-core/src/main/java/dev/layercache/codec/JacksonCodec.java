package dev.layercache.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;
import dev.layercache.CacheSerializationException;
import dev.layercache.internal.JacksonLine;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The default codec: JSON through Jackson 2, always decoding to an explicit type. No default
 * typing, so stored bytes cannot name a class to instantiate; nesting and document size are
 * limited, since cache content is untrusted input. Records, {@code java.time} values, {@code
 * Optional} and generic collections work out of the box. A property the target type does not know
 * is read past (a newer version of the application may have added it); a missing record component
 * or creator property, or a null for a primitive, is refused.
 *
 * <p>A cache built without a codec uses this one whenever Jackson 2 is on the class path (it is a
 * dependency of the core); {@link Jackson3Codec} is the default only where Jackson 2 is absent.
 *
 * <p>Thread-safe.
 */
public final class JacksonCodec implements ValueCodec {
  /** This codec's id in entry headers. */
  public static final byte ID = 1;

  /** Deepest nesting accepted when decoding. */
  public static final int MAX_NESTING_DEPTH = 200;

  private final ObjectMapper mapper;
  private final long maxBytes;
  private final ConcurrentMap<Type, JavaType> javaTypes = new ConcurrentHashMap<>();

  private JacksonCodec(ObjectMapper mapper, long maxBytes) {
    this.mapper = mapper;
    this.maxBytes = maxBytes;
  }

  /**
   * A codec with the default mapper, decoding documents of at most {@code maxBytes}.
   *
   * @param maxBytes the largest document accepted when decoding
   * @return the codec
   * @throws dev.layercache.CacheConfigurationException if Jackson 2 is of an unsupported version,
   *     or a module the default mapper registers is missing
   */
  public static JacksonCodec create(long maxBytes) {
    JacksonLine.JACKSON_2.check();
    requireModules();
    JsonMapper mapper =
        JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .addModule(new Jdk8Module())
            .addModule(new ParameterNamesModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            // A field added by a newer version of the application must not break older readers
            // during a rolling deployment.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // But a document missing what a record (or any creator) needs, or holding null for a
            // primitive, is not a value this application wrote: refused, so it is a miss.
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxDocumentLength(maxBytes)
                .build());
    return new JacksonCodec(mapper, maxBytes);
  }

  /**
   * A codec over an application's own mapper. The mapper must not enable default typing.
   *
   * @param mapper a configured mapper
   * @return the codec
   * @throws dev.layercache.CacheConfigurationException if the mapper has default typing enabled, or
   *     Jackson 2 is of an unsupported version
   */
  public static JacksonCodec of(ObjectMapper mapper) {
    JacksonLine.JACKSON_2.check();
    if (mapper.getSerializationConfig().getDefaultTyper(mapper.constructType(Object.class))
        != null) {
      throw new dev.layercache.CacheConfigurationException(
          "ObjectMapper has default typing enabled; cache content is untrusted, so LayerCache"
              + " refuses mappers that let stored bytes choose classes");
    }
    // The application's mapper brings its own read constraints.
    return new JacksonCodec(mapper, Long.MAX_VALUE);
  }

  /** Fails with the missing artifact named, rather than with a NoClassDefFoundError. */
  private static void requireModules() {
    String[][] modules = {
      {"com.fasterxml.jackson.datatype.jsr310.JavaTimeModule", "jackson-datatype-jsr310"},
      {"com.fasterxml.jackson.datatype.jdk8.Jdk8Module", "jackson-datatype-jdk8"},
      {
        "com.fasterxml.jackson.module.paramnames.ParameterNamesModule",
        "jackson-module-parameter-names"
      }
    };
    for (String[] module : modules) {
      try {
        Class.forName(module[0], false, JacksonCodec.class.getClassLoader());
      } catch (ClassNotFoundException | LinkageError e) {
        throw new dev.layercache.CacheConfigurationException(
            "Jackson 2 is on the class path without "
                + module[1]
                + ", which JacksonCodec's default mapper registers; add it (in the version of"
                + " jackson-databind), or give LayerCache.builder().codec(...) another codec",
            e);
      }
    }
  }

  @Override
  public byte id() {
    return ID;
  }

  @Override
  public byte[] encode(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new CacheSerializationException(
          "cannot encode " + value.getClass().getName() + ": " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public Object decode(byte[] bytes, Type type) {
    return decode(bytes, 0, bytes.length, type);
  }

  @Override
  public Object decode(byte[] bytes, int offset, int length, Type type) {
    JavaType javaType = javaType(type);
    // Checked here as well as by the parser's constraints: Jacksons before 2.21.2 and 3.3 do not
    // apply the document length limit to a byte array.
    if (length > maxBytes) {
      throw new CacheSerializationException(
          "cannot decode "
              + javaType
              + ": the document of "
              + length
              + " bytes exceeds the limit of "
              + maxBytes);
    }
    try {
      Object value = mapper.readValue(bytes, offset, length, javaType);
      if (value == null) {
        throw new CacheSerializationException("stored JSON null for " + javaType);
      }
      return value;
    } catch (IOException e) {
      throw new CacheSerializationException("cannot decode " + javaType + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // Cached bytes are untrusted input: whatever the parser or a creator throws on them is a
      // value that cannot be decoded (a miss), never an error for the caller.
      throw new CacheSerializationException("cannot decode " + javaType + ": " + e, e);
    }
  }

  @Override
  public void checkType(Type type) {
    checkJavaType(javaType(type), type.getTypeName());
  }

  private void checkJavaType(JavaType t, String declared) {
    if (t.isContainerType()) {
      if (t.getKeyType() != null) {
        checkJavaType(t.getKeyType(), declared);
      }
      checkJavaType(t.getContentType(), declared);
      return;
    }
    if (t.isReferenceType()) {
      checkJavaType(t.getReferencedType(), declared);
      return;
    }
    Class<?> raw = t.getRawClass();
    if (raw.isPrimitive() || raw.isEnum() || raw.getName().startsWith("java.")) {
      return;
    }
    if (t.isAbstract()) {
      throw new CacheSerializationException(
          declared
              + ": "
              + raw.getName()
              + " is abstract or an interface; declare a concrete type, since cached bytes"
              + " never name a class");
    }
    try {
      com.fasterxml.jackson.databind.JsonSerializer<Object> ser =
          mapper.getSerializerProviderInstance().findValueSerializer(raw);
      if (ser instanceof com.fasterxml.jackson.databind.ser.impl.UnknownSerializer) {
        throw new CacheSerializationException(
            declared + ": " + raw.getName() + " has no properties Jackson can write");
      }
      com.fasterxml.jackson.databind.deser.DefaultDeserializationContext ctxt =
          ((com.fasterxml.jackson.databind.deser.DefaultDeserializationContext)
                  mapper.getDeserializationContext())
              .createInstance(mapper.getDeserializationConfig(), null, null);
      Object deser = ctxt.findRootValueDeserializer(t);
      if (deser instanceof com.fasterxml.jackson.databind.deser.BeanDeserializerBase
          && !((com.fasterxml.jackson.databind.deser.BeanDeserializerBase) deser)
              .getValueInstantiator()
              .canInstantiate()) {
        throw new CacheSerializationException(
            declared
                + ": "
                + raw.getName()
                + " cannot be rebuilt: give it a no-argument constructor or a @JsonCreator, or"
                + " make it a record");
      }
    } catch (IOException e) {
      throw new CacheSerializationException(declared + ": " + e.getMessage(), e);
    }
  }

  /**
   * The Jackson type for a Java type.
   *
   * @param type a class, parameterized type or JavaType
   * @return the Jackson type
   */
  public JavaType javaType(Type type) {
    if (type instanceof JavaType) {
      return (JavaType) type;
    }
    return javaTypes.computeIfAbsent(type, t -> mapper.getTypeFactory().constructType(t));
  }
}
