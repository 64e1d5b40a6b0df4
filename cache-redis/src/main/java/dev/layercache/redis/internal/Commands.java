package dev.layercache.redis.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import org.jspecify.annotations.Nullable;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.commands.ProtocolCommand;

/**
 * The Redis commands the backend sends, built from Jedis's stable low-level types ({@link
 * CommandArguments}, {@link CommandObject}, {@link BuilderFactory}) instead of its high-level
 * clients, whose classes and signatures change between major versions (Jedis 6, 7 and 8 differ in
 * {@code JedisPooled}, {@code CommandObjects} and the setter types of {@code SetParams}). Keys are
 * marked as keys so that a cluster routes each command by its slot.
 *
 * <p>Two flavours: {@link #SERVER} for a standalone server or a Sentinel-managed master, {@link
 * #CLUSTER} for a cluster, whose command executor in Jedis 6 and 7 needs its own argument type
 * ({@code ClusterCommandArguments}, gone in Jedis 8, where plain arguments carry the slot).
 */
public final class Commands {
  /** Commands for a standalone server or a Sentinel-managed master. */
  public static final Commands SERVER = new Commands(null);

  /** Commands for a Redis Cluster. */
  public static final Commands CLUSTER = new Commands(clusterArguments());

  private final @Nullable MethodHandle arguments;

  private Commands(@Nullable MethodHandle arguments) {
    this.arguments = arguments;
  }

  private static @Nullable MethodHandle clusterArguments() {
    try {
      Class<?> type = Class.forName("redis.clients.jedis.ClusterCommandArguments");
      return MethodHandles.publicLookup()
          .findConstructor(type, MethodType.methodType(void.class, ProtocolCommand.class));
    } catch (ClassNotFoundException e) {
      return null; // Jedis 8 and later
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("unexpected ClusterCommandArguments in this Jedis", e);
    }
  }

  private CommandArguments args(ProtocolCommand command) {
    MethodHandle h = arguments;
    if (h == null) {
      return new CommandArguments(command);
    }
    try {
      return (CommandArguments) h.invoke(command);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code GET key}.
   *
   * @param key the key
   * @return the command
   */
  public CommandObject<byte @Nullable []> get(byte[] key) {
    return new CommandObject<>(args(Protocol.Command.GET).key(key), BuilderFactory.BINARY);
  }

  /**
   * {@code MGET keys...}. Built by a loop: Jedis's own builds its arguments through a stream, which
   * costs a hit measurably more client time.
   *
   * @param keys the keys
   * @return the command
   */
  public CommandObject<List<byte @Nullable []>> mget(List<byte[]> keys) {
    CommandArguments a = args(Protocol.Command.MGET);
    for (byte[] key : keys) {
      a.key(key);
    }
    return new CommandObject<>(a, BuilderFactory.BINARY_LIST);
  }

  /**
   * {@code SET key value PX ttl}.
   *
   * @param key the key
   * @param value the value
   * @param ttlMillis time to live in milliseconds, more than 0
   * @return the command
   */
  public CommandObject<String> setPx(byte[] key, byte[] value, long ttlMillis) {
    return new CommandObject<>(
        args(Protocol.Command.SET).key(key).add(value).add(Protocol.Keyword.PX).add(ttlMillis),
        BuilderFactory.STRING);
  }

  /**
   * {@code SET key value NX [PX ttl] GET}: creates the key if absent and returns what it held (nil
   * if it was absent). Redis 7.0 or later; older servers answer a syntax error.
   *
   * @param key the key
   * @param value the value
   * @param ttlMillis time to live in milliseconds, 0 or less for none
   * @return the command
   */
  public CommandObject<byte @Nullable []> setIfAbsentGet(byte[] key, byte[] value, long ttlMillis) {
    CommandArguments a = args(Protocol.Command.SET).key(key).add(value).add(Protocol.Keyword.NX);
    if (ttlMillis > 0) {
      a.add(Protocol.Keyword.PX).add(ttlMillis);
    }
    return new CommandObject<>(a.add(Protocol.Keyword.GET), BuilderFactory.BINARY);
  }

  /**
   * {@code UNLINK key}.
   *
   * @param key the key
   * @return the command
   */
  public CommandObject<Long> unlink(byte[] key) {
    return new CommandObject<>(args(Protocol.Command.UNLINK).key(key), BuilderFactory.LONG);
  }

  /**
   * {@code EVALSHA sha numkeys keys... args...}.
   *
   * @param script the script
   * @param keys its keys
   * @param args its arguments
   * @return the command, whose reply is the script's raw reply
   */
  public CommandObject<Object> evalsha(RedisScripts script, List<byte[]> keys, List<byte[]> args) {
    return script(Protocol.Command.EVALSHA, script.sha1(), keys, args);
  }

  /**
   * {@code EVAL body numkeys keys... args...}, which also loads the script into the server's cache.
   *
   * @param script the script
   * @param keys its keys
   * @param args its arguments
   * @return the command, whose reply is the script's raw reply
   */
  public CommandObject<Object> eval(RedisScripts script, List<byte[]> keys, List<byte[]> args) {
    return script(Protocol.Command.EVAL, script.body(), keys, args);
  }

  private CommandObject<Object> script(
      Protocol.Command command, byte[] script, List<byte[]> keys, List<byte[]> args) {
    CommandArguments a = args(command).add(script).add(keys.size());
    for (byte[] key : keys) {
      a.key(key);
    }
    for (byte[] arg : args) {
      a.add(arg);
    }
    return new CommandObject<>(a, BuilderFactory.RAW_OBJECT);
  }

  /**
   * {@code WAIT replicas timeout}: how many replicas acknowledged the connection's writes.
   *
   * @param replicas replicas to wait for
   * @param millis how long to wait
   * @return the command
   */
  public CommandObject<Long> waitFor(int replicas, long millis) {
    return new CommandObject<>(
        args(Protocol.Command.WAIT).add(replicas).add(millis), BuilderFactory.LONG);
  }

  /**
   * {@code PUBLISH channel message}.
   *
   * @param channel the channel
   * @param message the message
   * @return the command, whose reply is the number of subscribers that received it
   */
  public CommandObject<Long> publish(byte[] channel, byte[] message) {
    return new CommandObject<>(
        args(Protocol.Command.PUBLISH).add(channel).add(message), BuilderFactory.LONG);
  }

  /**
   * {@code INFO section}.
   *
   * @param section the section
   * @return the command
   */
  public CommandObject<String> info(String section) {
    return new CommandObject<>(args(Protocol.Command.INFO).add(section), BuilderFactory.STRING);
  }
}
