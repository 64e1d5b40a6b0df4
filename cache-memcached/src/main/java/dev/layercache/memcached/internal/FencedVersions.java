package dev.layercache.memcached.internal;

import dev.layercache.spi.BackendRead;
import dev.layercache.spi.TagVersions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * The tag versions a pool's reads return, and the values its fences take (see {@link PoolLayout}).
 *
 * <p><b>Reading.</b> A node's fence is the highest value among the copies a read reaches. A copy
 * whose node answers without holding it (lost in a restart, evicted, never created, or not a
 * number) makes the fence absent: a lost copy may have held a bump the others missed, so it never
 * validates an entry, and the reader that meets it re-creates it. Copies whose nodes do not answer
 * are left out; if none answers, the fence cannot be read.
 *
 * <p><b>What the core sees</b> for a tag is the <em>pair</em> of the version its node stores and
 * that node's fence, {@linkplain #combined mixed} into one positive number. Not their sum: readers
 * that reach different copies may see different fences (copies differ after a bump that reached
 * only some of them), so one reader's fence may be lower than the one an entry was stored with
 * while the tag's version has grown by just as much. The pair repeats only if both parts repeat,
 * and a bump of either changes its part; two different pairs mix to the same number with
 * probability 2<sup>-63</sup>.
 *
 * <p><b>Bumping.</b> A fence bump, and the re-creation of a lost copy, {@linkplain #raisedTo raise}
 * every copy to {@linkplain #raisedTarget one value} above the highest any copy holds (above {@link
 * TagVersions#fresh()} where a copy is lost, which is above what the lost copy could have held).
 * Copies only grow, so once a bump has reached every copy, every reader, whichever copies it
 * reaches, sees a fence above any it could have seen before the bump. And copies that agree keep
 * agreeing, so a reader that loses one copy still sees the fence its entries were stored with: the
 * copies a reader can read are interchangeable.
 *
 * <p>Stateless and thread-safe.
 */
public final class FencedVersions {
  /** What {@link #fence} returns when no copy of the fence answered. */
  public static final long UNREACHABLE = BackendRead.NOT_READ;

  // Nineteen digits may hold more than Long.MAX_VALUE; twenty never fit.
  private static final int MAX_DIGITS = 19;

  // Keeps the fence's part of a pair apart from the version's.
  private static final long FENCE_SALT = 0x9E3779B97F4A7C15L;

  private FencedVersions() {}

  /**
   * What a key holds as a tag version.
   *
   * @param found values read
   * @param key a version key
   * @return the version (positive), {@link BackendRead#LOCKED} for a live write lock, or {@link
   *     BackendRead#ABSENT} for none or anything that is not a version
   */
  public static long stored(Map<String, byte[]> found, String key) {
    byte[] text = found.get(key);
    if (text != null && text.length > 0 && text[0] == TagVersions.LOCK_MARK) {
      return TagVersions.parse(text); // a write lock: LOCKED, or its version after the deadline
    }
    return number(text);
  }

  /** A positive decimal version, or ABSENT for anything else. */
  private static long number(byte @Nullable [] text) {
    if (text == null || text.length == 0 || text.length > MAX_DIGITS) {
      return BackendRead.ABSENT;
    }
    // Nineteen digits above Long.MAX_VALUE wrap to a negative number: planted, not ours.
    long v = TagVersions.parse(text);
    return v > 0 ? v : BackendRead.ABSENT;
  }

  /**
   * A node's fence as one read sees it.
   *
   * @param copies the keys of the fence's copies
   * @param found the read, which asked for every copy
   * @return the highest copy among those whose nodes answered; {@link BackendRead#ABSENT} if one of
   *     them does not hold its copy; {@link #UNREACHABLE} if no copy's node answered
   */
  public static long fence(List<String> copies, MultiGetClient.Reply found) {
    long highest = UNREACHABLE;
    for (int c = 0; c < copies.size(); c++) {
      String key = copies.get(c);
      if (!found.answered(key)) {
        continue;
      }
      long v = number(found.get(key));
      if (v == BackendRead.ABSENT) {
        return BackendRead.ABSENT;
      }
      highest = Math.max(highest, v);
    }
    return highest;
  }

  /**
   * The version the core sees for a tag of a fenced node: a positive mix of the stored version and
   * the node's fence, equal for equal pairs.
   *
   * @param version the stored version, positive
   * @param fence the node's fence, positive
   * @return a positive version
   */
  public static long combined(long version, long fence) {
    long mixed = mix(version ^ mix(fence ^ FENCE_SALT)) & Long.MAX_VALUE;
    return mixed == 0 ? 1 : mixed;
  }

  /** SplitMix64's finalizer: a bijection of longs that spreads every input bit over the output. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * The value a bump raises a fence's copies to: one above the highest copy that answered, and at
   * least a {@linkplain TagVersions#fresh() fresh} value if one of them is lost (or none holds
   * one).
   *
   * @param copies the keys of the fence's copies
   * @param found a read of them
   * @return the target, positive
   */
  public static long raisedTarget(List<String> copies, MultiGetClient.Reply found) {
    long highest = 0;
    boolean lost = false;
    for (String key : copies) {
      if (found.answered(key)) {
        long v = number(found.get(key));
        lost |= v == BackendRead.ABSENT;
        highest = Math.max(highest, v);
      }
    }
    long target = highest == Long.MAX_VALUE ? highest : highest + 1;
    return lost || highest == 0 ? Math.max(target, TagVersions.fresh()) : target;
  }

  /**
   * Raises a stored copy to at least {@code target}, keeping a higher value (raised by another
   * client meanwhile); a copy that is absent or not a number becomes {@code target}.
   *
   * @param target the value to raise to
   * @return the update for {@code gets} and {@code cas}
   */
  public static UnaryOperator<byte @Nullable []> raisedTo(long target) {
    byte[] text = Long.toString(target).getBytes(StandardCharsets.US_ASCII);
    return current -> number(current) >= target ? current : text;
  }
}
