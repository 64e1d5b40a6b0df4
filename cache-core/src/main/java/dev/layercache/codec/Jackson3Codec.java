package dev.layercache.codec;

import dev.layercache.CacheConfigurationException;
import dev.layercache.CacheSerializationException;
import dev.layercache.internal.JacksonLine;
import java.lang.reflect.Type;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.deser.bean.BeanDeserializerBase;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.ser.impl.UnknownSerializer;

/**
 * JSON through Jackson 3 ({@code tools.jackson.core:jackson-databind}, as Spring Boot 4 uses), with
 * the rules of {@link JacksonCodec}: always decoding to an explicit type, no default typing, so
 * stored bytes cannot name a class to instantiate; nesting and document size are limited, since
 * cache content is untrusted input. Records, {@code java.time} values, {@code Optional} and generic
 * collections work out of the box. A property the target type does not know is read past (a newer
 * version of the application may have added it); a missing record component or creator property, or
 * a null for a primitive, is refused.
 *
 * <p>The default codec of a cache when Jackson 3 is on the class path and Jackson 2 is not. Its
 * entries carry their own {@linkplain #ID codec id}, so an entry written by {@link JacksonCodec} is
 * a miss for it and the other way round: annotations from Jackson 2's databind (such as {@code
 * JsonSerialize}) mean nothing to Jackson 3, so the two may write one type differently. Where
 * Jackson 3 changed a default in a way that could lose data silently, this codec keeps Jackson 2's:
 * enums by name rather than {@code toString()}, a value without properties refused rather than
 * written as {@code {}}, a collection without a setter filled through its getter.
 *
 * <p>Thread-safe.
 */
// Its API names Jackson 3 types, yet the core requires Jackson 3 only statically (it is optional),
// so the module does not re-export it: an application using this codec depends on Jackson 3 itself.
@SuppressWarnings("exports")
public final class Jackson3Codec implements ValueCodec {
  /** This codec's id in entry headers. */
  public static final byte ID = 2;

  /** Deepest nesting accepted when decoding. */
  public static final int MAX_NESTING_DEPTH = JacksonCodec.MAX_NESTING_DEPTH;

  private final ObjectMapper mapper;
  private final long maxBytes;
  private final ConcurrentMap<Type, JavaType> javaTypes = new ConcurrentHashMap<>();

  private Jackson3Codec(ObjectMapper mapper, long maxBytes) {
    this.mapper = mapper;
    this.maxBytes = maxBytes;
  }

  /**
   * A codec with the default mapper, decoding documents of at most {@code maxBytes}.
   *
   * @param maxBytes the largest document accepted when decoding
   * @return the codec
   * @throws CacheConfigurationException if Jackson 3 is absent or of an unsupported version
   */
  public static Jackson3Codec create(long maxBytes) {
    JacksonLine.JACKSON_3.check();
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxDocumentLength(maxBytes)
                    .build())
            .build();
    JsonMapper mapper =
        JsonMapper.builder(factory)
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DateTimeFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            // Jackson 2's defaults where Jackson 3 changed them and the change would lose data
            // silently. Enums by name: two constants with one toString() would decode to one.
            .disable(EnumFeature.WRITE_ENUMS_USING_TO_STRING)
            .disable(EnumFeature.READ_ENUMS_USING_TO_STRING)
            // A value with no visible property must fail to encode, not be stored as {} and come
            // back as an empty instance.
            .enable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            // A collection with a getter and no setter is filled through its getter, not dropped.
            .enable(MapperFeature.USE_GETTERS_AS_SETTERS)
            // A field added by a newer version of the application must not break older readers
            // during a rolling deployment.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // But a document missing what a record (or any creator) needs, or holding null for a
            // primitive, is not a value this application wrote: refused, so it is a miss.
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    return new Jackson3Codec(mapper, maxBytes);
  }

  /**
   * A codec over an application's own mapper. The mapper must not enable default typing.
   *
   * @param mapper a configured mapper
   * @return the codec
   * @throws CacheConfigurationException if the mapper has default typing enabled, or Jackson 3 is
   *     of an unsupported version
   */
  public static Jackson3Codec of(ObjectMapper mapper) {
    JacksonLine.JACKSON_3.check();
    JavaType object = mapper.constructType(Object.class);
    if (mapper.serializationConfig().getDefaultTyper(object) != null
        || mapper.deserializationConfig().getDefaultTyper(object) != null) {
      throw new CacheConfigurationException(
          "ObjectMapper has default typing enabled; cache content is untrusted, so LayerCache"
              + " refuses mappers that let stored bytes choose classes");
    }
    // The application's mapper brings its own read constraints.
    return new Jackson3Codec(mapper, Long.MAX_VALUE);
  }

  @Override
  public byte id() {
    return ID;
  }

  // Classes whose form is defined by Jackson 2's databind annotations (@JsonSerialize,
  // @JsonDeserialize), which Jackson 3 ignores: their values would be written and read in another
  // form, with no error. Refused instead.
  private static final ClassValue<Boolean> JACKSON2_SHAPED =
      new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> c) {
          if (jackson2Annotated(c.getAnnotations())) {
            return true;
          }
          for (java.lang.reflect.Field f : c.getDeclaredFields()) {
            if (jackson2Annotated(f.getAnnotations())) {
              return true;
            }
          }
          for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
            if (jackson2Annotated(m.getAnnotations())) {
              return true;
            }
          }
          return false;
        }
      };

  private static boolean jackson2Annotated(java.lang.annotation.Annotation[] annotations) {
    for (java.lang.annotation.Annotation a : annotations) {
      if (a.annotationType().getName().startsWith("com.fasterxml.jackson.databind.annotation.")) {
        return true;
      }
    }
    return false;
  }

  private static void refuseJackson2Shaped(Class<?> c) {
    if (JACKSON2_SHAPED.get(c)) {
      throw new CacheSerializationException(
          c.getName()
              + " defines its JSON form with Jackson 2 databind annotations, which Jackson 3"
              + " ignores; cache it with JacksonCodec");
    }
  }

  @Override
  public byte[] encode(Object value) {
    refuseJackson2Shaped(value.getClass());
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JacksonException e) {
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
    refuseJackson2Shaped(javaType.getRawClass());
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
    Object value;
    try {
      value = mapper.readValue(bytes, offset, length, javaType);
    } catch (JacksonException e) {
      throw new CacheSerializationException("cannot decode " + javaType + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // Cached bytes are untrusted input: whatever a creator throws on them is a value that cannot
      // be decoded (a miss), never an error for the caller.
      throw new CacheSerializationException("cannot decode " + javaType + ": " + e, e);
    }
    if (value == null) {
      throw new CacheSerializationException("stored JSON null for " + javaType);
    }
    return value;
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
    refuseJackson2Shaped(raw);
    if (t.isAbstract()) {
      throw new CacheSerializationException(
          declared
              + ": "
              + raw.getName()
              + " is abstract or an interface; declare a concrete type, since cached bytes"
              + " never name a class");
    }
    try {
      // Jackson 3 reaches its serializer and deserializer lookups through these contexts only.
      ValueSerializer<Object> ser = mapper._serializationContext().findValueSerializer(raw);
      if (ser instanceof UnknownSerializer) {
        throw new CacheSerializationException(
            declared + ": " + raw.getName() + " has no properties Jackson can write");
      }
      ValueDeserializer<Object> deser =
          mapper._deserializationContext().findRootValueDeserializer(t);
      if (deser instanceof BeanDeserializerBase
          && !((BeanDeserializerBase) deser).getValueInstantiator().canInstantiate()) {
        throw new CacheSerializationException(
            declared
                + ": "
                + raw.getName()
                + " cannot be rebuilt: give it a no-argument constructor or a @JsonCreator, or"
                + " make it a record");
      }
    } catch (JacksonException e) {
      throw new CacheSerializationException(declared + ": " + e.getMessage(), e);
    }
  }

  /**
   * The Jackson 3 type for a Java type.
   *
   * @param type a class, parameterized type or Jackson 3 {@code JavaType}
   * @return the Jackson type
   */
  public JavaType javaType(Type type) {
    if (type instanceof JavaType) {
      return (JavaType) type;
    }
    return javaTypes.computeIfAbsent(type, t -> mapper.getTypeFactory().constructType(t));
  }
}
