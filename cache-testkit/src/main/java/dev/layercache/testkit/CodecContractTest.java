package dev.layercache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.layercache.CacheSerializationException;
import dev.layercache.codec.ValueCodec;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The behaviour every value codec must show. Cached bytes are untrusted input: a codec decodes only
 * to the type it is asked for, never to a class the bytes name; it refuses documents that are not a
 * value of that type (missing record components, a null for a primitive, JSON null, malformed or
 * oversized input, nesting too deep) with exactly {@link CacheSerializationException}, which the
 * cache turns into a miss; and it reads past properties it does not know, so that a newer version
 * of the application can add a field during a rolling deployment.
 *
 * <p>Subclass it once per codec, passing a factory that creates the codec for a document limit:
 *
 * <pre>{@code
 * class JacksonCodecTest extends CodecContractTest {
 *   JacksonCodecTest() {
 *     super(JacksonCodec::create);
 *   }
 * }
 * }</pre>
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class CodecContractTest {

  /** The document limit of {@link #codec}. */
  protected static final long MAX_BYTES = 1 << 20;

  /** A small record. */
  public record Point(int x, int y) {}

  /** A record with an untyped component, where bytes naming a class would matter. */
  public record Holder(@Nullable Object anything) {}

  /** A record whose canonical constructor refuses some values. */
  public record Positive(int value) {
    /**
     * Refuses negative values.
     *
     * @param value at least 0
     */
    public Positive {
      if (value < 0) {
        throw new IllegalArgumentException("negative: " + value);
      }
    }
  }

  /** Constants whose {@code toString()} is one text: only their names tell them apart. */
  public enum Shade {
    /** Light. */
    LIGHT,
    /** Dark. */
    DARK;

    @Override
    public String toString() {
      return "shade";
    }
  }

  /**
   * A record with the component types an application caches.
   *
   * @param text a string
   * @param id a long
   * @param small an int
   * @param ratio a double
   * @param flag a boolean
   * @param price a decimal whose scale matters
   * @param big a big integer
   * @param uuid a UUID
   * @param image bytes
   * @param subtitle a present Optional
   * @param labels a list
   * @param numbers a set
   * @param points a map of records
   * @param shade an enum
   * @param nested a record
   */
  public record Everything(
      String text,
      long id,
      int small,
      double ratio,
      boolean flag,
      BigDecimal price,
      BigInteger big,
      UUID uuid,
      byte[] image,
      Optional<String> subtitle,
      List<String> labels,
      Set<Integer> numbers,
      Map<String, Point> points,
      Shade shade,
      Point nested) {}

  /**
   * The {@code java.time} types.
   *
   * @param instant an instant with nanoseconds
   * @param date a date
   * @param time a time
   * @param dateTime a local date-time
   * @param offset a date-time with an offset other than the JVM's
   * @param zoned a zoned date-time at a fixed offset
   * @param duration a duration
   * @param period a period
   * @param year a year
   * @param month a year and month
   */
  public record Times(
      Instant instant,
      LocalDate date,
      LocalTime time,
      LocalDateTime dateTime,
      OffsetDateTime offset,
      ZonedDateTime zoned,
      Duration duration,
      Period period,
      Year year,
      YearMonth month) {}

  /**
   * A record with nullable parts.
   *
   * @param name may be null
   * @param point may be null
   * @param maybe may be empty
   * @param names may hold null elements
   */
  public record Nullables(
      @Nullable String name,
      @Nullable Point point,
      Optional<Point> maybe,
      List<@Nullable String> names) {}

  /** A bean with a no-argument constructor, getters and setters. */
  public static final class Account {
    private String owner = "";
    private long balance;
    private List<String> tags = new ArrayList<>();

    /** For the codec. */
    public Account() {}

    Account(String owner, long balance, List<String> tags) {
      this.owner = owner;
      this.balance = balance;
      this.tags = tags;
    }

    /**
     * The owner.
     *
     * @return the owner
     */
    public String getOwner() {
      return owner;
    }

    /**
     * Sets the owner.
     *
     * @param owner the owner
     */
    public void setOwner(String owner) {
      this.owner = owner;
    }

    /**
     * The balance.
     *
     * @return the balance
     */
    public long getBalance() {
      return balance;
    }

    /**
     * Sets the balance.
     *
     * @param balance the balance
     */
    public void setBalance(long balance) {
      this.balance = balance;
    }

    /**
     * The tags.
     *
     * @return the tags
     */
    public List<String> getTags() {
      return tags;
    }

    /**
     * Sets the tags.
     *
     * @param tags the tags
     */
    public void setTags(List<String> tags) {
      this.tags = tags;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Account a
          && a.owner.equals(owner)
          && a.balance == balance
          && a.tags.equals(tags);
    }

    @Override
    public int hashCode() {
      return Objects.hash(owner, balance, tags);
    }
  }

  /** A bean whose list has a getter only: the codec fills the list it returns. */
  public static final class Basket {
    private final List<String> items = new ArrayList<>();

    /** For the codec. */
    public Basket() {}

    /**
     * The items, to add to.
     *
     * @return the live list
     */
    public List<String> getItems() {
      return items;
    }
  }

  /** Has no properties: nothing to write. */
  public static final class Opaque {
    /** For the codec. */
    public Opaque() {}
  }

  /** Has a property, but nothing the codec can build it with. */
  public static final class Unbuildable {
    private final int value;

    private Unbuildable(Object source) {
      this.value = source.hashCode();
    }

    /**
     * Creates one.
     *
     * @param source what the value is derived from
     * @return the instance
     */
    public static Unbuildable of(Object source) {
      return new Unbuildable(source);
    }

    /**
     * The value.
     *
     * @return the value
     */
    public int getValue() {
      return value;
    }
  }

  /** A value whose property cannot be read. */
  public static final class Failing {
    /** For the codec. */
    public Failing() {}

    /**
     * Always throws.
     *
     * @return never
     */
    public String getBroken() {
      throw new IllegalStateException("broken getter");
    }
  }

  /** Class names a hostile document may carry, to make a careless decoder build them. */
  protected static final List<String> HOSTILE_CLASSES =
      List.of(
          "java.lang.Runtime",
          "java.lang.ProcessBuilder",
          "java.net.URL",
          "javax.naming.InitialContext",
          "com.sun.rowset.JdbcRowSetImpl",
          "org.springframework.context.support.ClassPathXmlApplicationContext");

  /** Fields declared only for their generic types. */
  @SuppressWarnings("unused")
  private static final class Declared {
    @Nullable List<Point> points;
    @Nullable Map<String, List<Point>> byName;
    @Nullable Set<String> names;
    @Nullable Map<Integer, String> byNumber;
    @Nullable List<List<Integer>> rows;
    @Nullable Optional<Point> maybe;
    @Nullable List<Object> anything;
    @Nullable Map<String, Object> fields;
    @Nullable List<Opaque> opaques;
    @Nullable Map<String, CharSequenceHolder> holders;
    @Nullable List<Shade> shades;
  }

  private final LongFunction<? extends ValueCodec> factory;
  private final ExecutorService pool = Executors.newFixedThreadPool(4);

  /** The codec under test, created with a limit of {@link #MAX_BYTES} for each test. */
  protected final ValueCodec codec;

  /**
   * For subclasses, one per codec.
   *
   * @param factory creates the codec under test, given the largest document it must decode
   */
  protected CodecContractTest(LongFunction<? extends ValueCodec> factory) {
    this.factory = factory;
    this.codec = factory.apply(MAX_BYTES);
  }

  @AfterEach
  void stopPool() {
    pool.shutdownNow();
  }

  /**
   * The generic type of a field of {@link Declared}.
   *
   * @param field the field name
   * @return its type
   */
  protected static Type declared(String field) {
    try {
      return Declared.class.getDeclaredField(field).getGenericType();
    } catch (NoSuchFieldException e) {
      throw new IllegalArgumentException(field, e);
    }
  }

  /**
   * UTF-8 bytes of a text.
   *
   * @param json the text
   * @return its bytes
   */
  protected static byte[] utf8(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Encodes a value and decodes it back as a type.
   *
   * @param value the value
   * @param type the type to decode to
   * @return the decoded value
   */
  protected Object roundTrip(Object value, Type type) {
    return codec.decode(codec.encode(value), type);
  }

  private static void assertRefused(ThrowingCallable call) {
    assertThatThrownBy(call).isExactlyInstanceOf(CacheSerializationException.class);
  }

  // ------------------------------------------------------------------ round trips

  @Test
  void id_isInTheHeaderRange() {
    assertThat(codec.id()).isBetween((byte) 1, (byte) 127);
  }

  @Test
  void record_roundTrips() {
    assertThat(roundTrip(new Point(3, -4), Point.class)).isEqualTo(new Point(3, -4));
  }

  @Test
  void recordOfEveryComponentType_roundTrips() {
    Everything value =
        new Everything(
            "héllo \"wörld\" \u2603",
            Long.MAX_VALUE,
            Integer.MIN_VALUE,
            0.1,
            true,
            new BigDecimal("12.500"),
            new BigInteger("123456789012345678901234567890"),
            UUID.fromString("1b4e28ba-2fa1-11d2-883f-0016d3cca427"),
            new byte[] {0, 1, -1, 127, -128},
            Optional.of("sub"),
            List.of("a", "b"),
            Set.of(1, 2, 3),
            Map.of("origin", new Point(0, 0)),
            Shade.DARK,
            new Point(1, 2));
    Everything back = (Everything) roundTrip(value, Everything.class);
    assertThat(back.text()).isEqualTo(value.text());
    assertThat(back.id()).isEqualTo(value.id());
    assertThat(back.small()).isEqualTo(value.small());
    assertThat(back.ratio()).isEqualTo(value.ratio());
    assertThat(back.flag()).isTrue();
    assertThat(back.price()).isEqualTo(value.price()).hasScaleOf(3);
    assertThat(back.big()).isEqualTo(value.big());
    assertThat(back.uuid()).isEqualTo(value.uuid());
    assertThat(back.image()).containsExactly(value.image());
    assertThat(back.subtitle()).contains("sub");
    assertThat(back.labels()).containsExactly("a", "b");
    assertThat(back.numbers()).containsExactlyInAnyOrder(1, 2, 3);
    assertThat(back.points()).containsExactlyEntriesOf(value.points());
    assertThat(back.shade()).isEqualTo(Shade.DARK);
    assertThat(back.nested()).isEqualTo(new Point(1, 2));
  }

  @Test
  void bean_roundTrips() {
    Account account = new Account("ada", -5, List.of("vip"));
    assertThat(roundTrip(account, Account.class)).isEqualTo(account);
  }

  @Test
  void beanWithACollectionGetterOnly_roundTripsItsElements() {
    Basket basket = new Basket();
    basket.getItems().addAll(List.of("apple", "pear"));
    assertThat(((Basket) roundTrip(basket, Basket.class)).getItems())
        .containsExactly("apple", "pear");
  }

  @Test
  void genericTypes_decodeToDeclaredElementType() {
    byte[] bytes = codec.encode(List.of(new Point(1, 2)));
    List<Point> back = cast(codec.decode(bytes, declared("points")));
    assertThat(back).containsExactly(new Point(1, 2));
    Map<String, List<Point>> byName = new LinkedHashMap<>();
    byName.put("a", List.of(new Point(1, 1), new Point(2, 2)));
    byName.put("empty", List.of());
    assertThat(roundTrip(byName, declared("byName"))).isEqualTo(byName);
    assertThat(roundTrip(Set.of("x", "y"), declared("names"))).isEqualTo(Set.of("x", "y"));
    assertThat(roundTrip(Map.of(7, "seven"), declared("byNumber"))).isEqualTo(Map.of(7, "seven"));
    List<List<Integer>> rows = List.of(List.of(1, 2), List.of(), List.of(3));
    assertThat(roundTrip(rows, declared("rows"))).isEqualTo(rows);
    assertThat(roundTrip(Optional.of(new Point(5, 6)), declared("maybe")))
        .isEqualTo(Optional.of(new Point(5, 6)));
  }

  @Test
  void arraysAndScalars_roundTrip() {
    assertThat((Point[]) roundTrip(new Point[] {new Point(1, 2)}, Point[].class))
        .containsExactly(new Point(1, 2));
    assertThat((int[]) roundTrip(new int[] {1, -2, 3}, int[].class)).containsExactly(1, -2, 3);
    assertThat(roundTrip("text", String.class)).isEqualTo("text");
    assertThat(roundTrip(42L, Long.class)).isEqualTo(42L);
    assertThat(roundTrip(true, Boolean.class)).isEqualTo(true);
    assertThat(roundTrip(Shade.LIGHT, Shade.class)).isEqualTo(Shade.LIGHT);
  }

  @Test
  void javaTimeValues_keepPrecision() {
    Instant t = Instant.parse("2026-11-22T10:15:30.123456789Z");
    assertThat(codec.decode(codec.encode(t), Instant.class)).isEqualTo(t);
  }

  @Test
  void javaTimeValues_roundTripWithTheirOffsets() {
    ZoneOffset plusTwo = ZoneOffset.ofHours(2);
    Times times =
        new Times(
            Instant.parse("2026-11-22T10:15:30.123456789Z"),
            LocalDate.of(2026, 2, 28),
            LocalTime.of(23, 59, 59, 999_999_999),
            LocalDateTime.of(2026, 11, 22, 10, 15, 30, 1),
            OffsetDateTime.of(2026, 11, 22, 10, 15, 30, 5, plusTwo),
            ZonedDateTime.of(2026, 11, 22, 10, 15, 30, 5, plusTwo),
            Duration.ofSeconds(90061, 7),
            Period.of(1, 2, 3),
            Year.of(2026),
            YearMonth.of(2026, 11));
    assertThat(roundTrip(times, Times.class)).isEqualTo(times);
  }

  @Test
  void javaTimeValues_areWrittenAsText() {
    Instant t = Instant.parse("2026-11-22T10:15:30.123456789Z");
    assertThat(new String(codec.encode(t), StandardCharsets.UTF_8))
        .isEqualTo("\"2026-11-22T10:15:30.123456789Z\"");
    assertThat(new String(codec.encode(LocalDate.of(2026, 1, 2)), StandardCharsets.UTF_8))
        .isEqualTo("\"2026-01-02\"");
  }

  @Test
  void nulls_roundTrip() {
    Nullables value = new Nullables(null, null, Optional.empty(), Arrays.asList("a", null));
    assertThat(roundTrip(value, Nullables.class)).isEqualTo(value);
    assertThat(roundTrip(new Holder(null), Holder.class)).isEqualTo(new Holder(null));
    Map<String, @Nullable Object> fields = new LinkedHashMap<>();
    fields.put("gone", null);
    assertThat(roundTrip(fields, declared("fields"))).isEqualTo(fields);
  }

  @Test
  void enumsSharingOneToString_roundTripByName() {
    assertThat(roundTrip(List.of(Shade.LIGHT, Shade.DARK), declared("shades")))
        .isEqualTo(List.of(Shade.LIGHT, Shade.DARK));
    assertThat(new String(codec.encode(Shade.DARK), StandardCharsets.UTF_8)).contains("DARK");
  }

  @Test
  void decode_partOfAnArray_readsOnlyThatPart() {
    byte[] value = codec.encode(new Point(7, 8));
    byte[] framed = new byte[value.length + 6];
    Arrays.fill(framed, (byte) '!');
    System.arraycopy(value, 0, framed, 3, value.length);
    assertThat(codec.decode(framed, 3, value.length, Point.class)).isEqualTo(new Point(7, 8));
  }

  @Test
  void concurrentUse_isSafe() throws Exception {
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int base = t * 1000;
      done.add(
          pool.submit(
              () -> {
                for (int i = 0; i < 500; i++) {
                  Point p = new Point(base + i, -i);
                  assertThat(roundTrip(List.of(p), declared("points"))).isEqualTo(List.of(p));
                }
              }));
    }
    for (Future<?> f : done) {
      f.get(30, TimeUnit.SECONDS);
    }
  }

  // ------------------------------------------------------------------ what decoding refuses

  @Test
  void unknownProperties_areReadPast() {
    // A property added by a newer version of the application: its older readers still read.
    assertThat(codec.decode(utf8("{\"x\": 1, \"y\": 2, \"z\": 3}"), Point.class))
        .isEqualTo(new Point(1, 2));
    assertThat(
            codec.decode(
                utf8("{\"owner\":\"ada\",\"balance\":1,\"tags\":[],\"since\":{\"a\":[1]}}"),
                Account.class))
        .isEqualTo(new Account("ada", 1, List.of()));
  }

  @Test
  void decode_recordWithMissingComponents_isRefused() {
    byte[] planted = "{\"@class\": \"java.lang.Runtime\"}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> codec.decode(planted, Point.class))
        .isInstanceOf(CacheSerializationException.class)
        .hasMessageContaining("x");
    byte[] partial = "{\"x\": 1}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> codec.decode(partial, Point.class))
        .isInstanceOf(CacheSerializationException.class);
    byte[] nullPrimitive = "{\"x\": 1, \"y\": null}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> codec.decode(nullPrimitive, Point.class))
        .isInstanceOf(CacheSerializationException.class);
    // A property added by a newer version of the application is still read past.
    byte[] newer = "{\"x\": 1, \"y\": 2, \"z\": 3}".getBytes(StandardCharsets.UTF_8);
    assertThat(codec.decode(newer, Point.class)).isEqualTo(new Point(1, 2));
  }

  @Test
  void missingComponentOrNullPrimitive_isRefusedWithExactlyTheSerializationException() {
    assertRefused(() -> codec.decode(utf8("{\"y\": 1}"), Point.class));
    assertRefused(() -> codec.decode(utf8("{}"), Point.class));
    assertRefused(() -> codec.decode(utf8("{\"x\": null, \"y\": 1}"), Point.class));
    assertRefused(() -> codec.decode(utf8("{\"value\": null}"), Positive.class));
  }

  @Test
  void documentHoldingOnlyATypeMarker_isRefused() {
    for (String name : HOSTILE_CLASSES) {
      for (String doc :
          List.of(
              "{\"@class\":\"" + name + "\"}",
              "{\"@type\":\"" + name + "\"}",
              "{\"@c\":\"" + name + "\"}",
              "[\"" + name + "\",{}]",
              "{\"" + name + "\":{}}")) {
        assertThatThrownBy(() -> codec.decode(utf8(doc), Point.class))
            .as(doc)
            .isExactlyInstanceOf(CacheSerializationException.class);
      }
    }
  }

  @Test
  void jsonNamingAClass_neverInstantiatesIt() {
    byte[] planted = "[\"java.net.URL\",\"http://example.com\"]".getBytes(StandardCharsets.UTF_8);
    // Decoding to Object yields plain JSON containers, never the named class.
    Object decoded = codec.decode(planted, Object.class);
    assertThat(decoded).isInstanceOf(List.class);
    byte[] typed =
        "{\"anything\":{\"@class\":\"java.lang.ProcessBuilder\"}}".getBytes(StandardCharsets.UTF_8);
    Holder h = (Holder) codec.decode(typed, Holder.class);
    assertThat(h.anything()).isInstanceOf(Map.class);
  }

  @Test
  void hostileTypeNames_decodeToPlainJsonValuesOnly() {
    for (String name : HOSTILE_CLASSES) {
      List<String> docs =
          List.of(
              "{\"@class\":\"" + name + "\",\"command\":[\"sh\"]}",
              "[\"" + name + "\",{\"url\":\"ldap://example.com/x\"}]",
              "{\"anything\":[\"" + name + "\",[\"" + name + "\",{}]]}",
              "{\"anything\":{\"@type\":\"" + name + "\",\"@c\":\"" + name + "\"}}");
      for (String doc : docs) {
        assertPlainJson(codec.decode(utf8(doc), Object.class), doc);
        assertPlainJson(codec.decode(utf8(doc), untypedContainer(doc)), doc);
        if (doc.startsWith("{\"anything\"")) {
          assertPlainJson(((Holder) codec.decode(utf8(doc), Holder.class)).anything(), doc);
        }
      }
    }
  }

  private static Type untypedContainer(String doc) {
    return doc.startsWith("[") ? declared("anything") : declared("fields");
  }

  private static void assertPlainJson(@Nullable Object value, String doc) {
    if (value == null
        || value instanceof String
        || value instanceof Number
        || value instanceof Boolean) {
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.values().forEach(v -> assertPlainJson(v, doc));
      return;
    }
    if (value instanceof List<?> list) {
      list.forEach(v -> assertPlainJson(v, doc));
      return;
    }
    throw new AssertionError(doc + " decoded to a " + value.getClass().getName());
  }

  @Test
  void jsonNull_isRefused() {
    assertThatThrownBy(() -> codec.decode(utf8("null"), Point.class))
        .isExactlyInstanceOf(CacheSerializationException.class)
        .hasMessageContaining("stored JSON null");
    assertRefused(() -> codec.decode(utf8(" null "), Object.class));
  }

  @Test
  void malformedOrMismatchedBytes_areRefused() {
    assertRefused(() -> codec.decode(new byte[0], Point.class));
    assertRefused(() -> codec.decode(utf8("{\"x\": 1, \"y\": "), Point.class));
    assertRefused(() -> codec.decode(utf8("hello world"), Point.class));
    assertRefused(
        () -> codec.decode(new byte[] {(byte) 0xC3, 0x28, 0x00, (byte) 0xFF}, Point.class));
    assertRefused(() -> codec.decode(utf8("\"a string\""), Point.class));
    assertRefused(() -> codec.decode(utf8("[1, 2]"), Point.class));
    assertRefused(() -> codec.decode(utf8("{\"x\": 99999999999, \"y\": 1}"), Point.class));
    assertRefused(() -> codec.decode(utf8("{\"x\": \"one\", \"y\": 1}"), Point.class));
    assertRefused(() -> codec.decode(utf8("\"NEITHER\""), Shade.class));
    assertRefused(() -> codec.decode(utf8("\"not-a-uuid\""), UUID.class));
    assertRefused(() -> codec.decode(utf8("\"yesterday\""), Instant.class));
  }

  @Test
  void creatorRefusingTheStoredValue_isRefused() {
    assertThat(codec.decode(utf8("{\"value\": 1}"), Positive.class)).isEqualTo(new Positive(1));
    assertThatThrownBy(() -> codec.decode(utf8("{\"value\": -1}"), Positive.class))
        .isExactlyInstanceOf(CacheSerializationException.class)
        .hasMessageContaining("negative");
  }

  @Test
  void deepNesting_isRejected() {
    String deep = "[".repeat(500) + "]".repeat(500);
    assertThatThrownBy(() -> codec.decode(deep.getBytes(StandardCharsets.UTF_8), Object.class))
        .isInstanceOf(CacheSerializationException.class);
    String nested = "{\"a\":".repeat(500) + "1" + "}".repeat(500);
    assertRefused(() -> codec.decode(utf8(nested), Object.class));
    String shallow = "[".repeat(50) + "]".repeat(50);
    assertThatCode(() -> codec.decode(utf8(shallow), Object.class)).doesNotThrowAnyException();
  }

  @Test
  void documentOverTheLimit_isRejected() {
    ValueCodec small = factory.apply(1024);
    String fits = "\"" + "x".repeat(1000) + "\"";
    assertThat(small.decode(utf8(fits), String.class)).isEqualTo("x".repeat(1000));
    String over = "\"" + "x".repeat(2000) + "\"";
    assertRefused(() -> small.decode(utf8(over), String.class));
    String manyPoints = "[" + "{\"x\":1,\"y\":2},".repeat(200) + "{\"x\":1,\"y\":2}]";
    assertRefused(() -> small.decode(utf8(manyPoints), declared("points")));
  }

  // ------------------------------------------------------------------ what encoding refuses

  @Test
  void valueWithoutProperties_isRefusedOnEncode() {
    assertThatThrownBy(() -> codec.encode(new Opaque()))
        .isExactlyInstanceOf(CacheSerializationException.class)
        .hasMessageContaining(Opaque.class.getName());
  }

  @Test
  void valueWhosePropertyThrows_isRefusedOnEncode() {
    assertThatThrownBy(() -> codec.encode(new Failing()))
        .isExactlyInstanceOf(CacheSerializationException.class)
        .hasMessageContaining(Failing.class.getName());
  }

  // ------------------------------------------------------------------ type checks

  @Test
  void checkType_acceptsRecordsBeansCollectionsAndJdkTypes() {
    for (Type type :
        List.of(
            Point.class,
            Everything.class,
            Times.class,
            Nullables.class,
            Account.class,
            Shade.class,
            String.class,
            long.class,
            Point[].class,
            declared("points"),
            declared("byName"),
            declared("maybe"),
            declared("fields"))) {
      assertThatCode(() -> codec.checkType(type)).as(type.getTypeName()).doesNotThrowAnyException();
    }
  }

  @Test
  void checkType_interfaceOrAbstractType_isRefusedNamingIt() {
    assertThatThrownBy(() -> codec.checkType(CharSequenceHolder.class))
        .isExactlyInstanceOf(CacheSerializationException.class)
        .hasMessageContaining(CharSequenceHolder.class.getName())
        .hasMessageContaining("interface");
    assertThatThrownBy(() -> codec.checkType(declared("holders")))
        .isExactlyInstanceOf(CacheSerializationException.class)
        .hasMessageContaining(CharSequenceHolder.class.getName());
  }

  /** An interface a cached type must not be declared as, though its values have properties. */
  public interface CharSequenceHolder {
    /**
     * The text.
     *
     * @return the text
     */
    CharSequence getText();
  }

  @Test
  void checkType_typeWithoutProperties_isRefused() {
    assertThatThrownBy(() -> codec.checkType(Opaque.class))
        .isExactlyInstanceOf(CacheSerializationException.class)
        .hasMessageContaining(Opaque.class.getName());
    assertThatThrownBy(() -> codec.checkType(declared("opaques")))
        .isExactlyInstanceOf(CacheSerializationException.class)
        .hasMessageContaining(Opaque.class.getName());
  }

  @Test
  void checkType_typeThatCannotBeRebuilt_isRefused() {
    assertThatThrownBy(() -> codec.checkType(Unbuildable.class))
        .isExactlyInstanceOf(CacheSerializationException.class)
        .hasMessageContaining(Unbuildable.class.getName())
        .hasMessageContaining("cannot be rebuilt");
    assertRefused(() -> codec.decode(utf8("{\"value\": 1}"), Unbuildable.class));
  }

  @SuppressWarnings("unchecked")
  private static <T> T cast(Object o) {
    return (T) o;
  }
}
