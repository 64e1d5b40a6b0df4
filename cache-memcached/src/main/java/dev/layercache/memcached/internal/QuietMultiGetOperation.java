package dev.layercache.memcached.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.spy.memcached.ops.GetOperation;
import net.spy.memcached.ops.OperationErrorType;
import net.spy.memcached.ops.OperationState;
import net.spy.memcached.protocol.binary.OperationImpl;
import org.jspecify.annotations.Nullable;

/**
 * One binary-protocol multi-get to one node, lean: a quiet {@code GETQ} for every key but the last
 * and a plain {@code GET} for the last, whose reply (found or not) ends the operation. Replies
 * carry the request's opaque, so each is matched to its key by index.
 *
 * <p>spymemcached's own multi-get ends with a {@code NOOP} (one more packet each way) and, per
 * call, copies the keys into a set and three maps, which for the two or three keys of a cache hit
 * cost more than the reads. Memcached answers the requests of one connection in order, so the last
 * key's reply comes after every other reply of the operation.
 *
 * <p>An error reply for any key (other than "not found") fails the whole operation once its last
 * reply has been read, so that the connection stays in step with the server.
 */
final class QuietMultiGetOperation extends OperationImpl {
  private static final byte CMD_GET = 0x00;
  private static final byte CMD_GETQ = 0x09;
  private static final int HEADER = 24;
  private static final int FLAGS_LENGTH = 4;
  // Opaques only need to be distinct within one operation; a counter keeps them apart in dumps.
  private static final AtomicInteger OPAQUES = new AtomicInteger();

  private final List<String> keys;
  private final GetOperation.Callback callback;
  private @Nullable String firstError;

  /**
   * Creates the operation.
   *
   * @param keys the keys, at least one, valid for the binary protocol
   * @param callback receives each value found, then the status and completion
   */
  QuietMultiGetOperation(List<String> keys, GetOperation.Callback callback) {
    super(DUMMY_OPCODE, OPAQUES.getAndAdd(keys.size()), callback);
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("a multi-get needs at least one key");
    }
    this.keys = keys;
    this.callback = callback;
  }

  @Override
  public void initialize() {
    byte[][] encoded = new byte[keys.size()][];
    int size = 0;
    for (int i = 0; i < encoded.length; i++) {
      encoded[i] = keys.get(i).getBytes(StandardCharsets.UTF_8);
      size += HEADER + encoded[i].length;
    }
    ByteBuffer b = ByteBuffer.allocate(size);
    for (int i = 0; i < encoded.length; i++) {
      b.put(REQ_MAGIC);
      b.put(i == encoded.length - 1 ? CMD_GET : CMD_GETQ);
      b.putShort((short) encoded[i].length);
      b.put((byte) 0); // extras length
      b.put((byte) 0); // data type
      b.putShort((short) 0); // vbucket
      b.putInt(encoded[i].length); // body length
      b.putInt(opaque + i);
      b.putLong(0); // cas
      b.put(encoded[i]);
    }
    b.flip();
    setBuffer(b);
  }

  @Override
  protected boolean opaqueIsValid() {
    int i = responseOpaque - opaque;
    return i >= 0 && i < keys.size();
  }

  @Override
  protected void finishedPayload(byte[] payload) throws IOException {
    int i = responseOpaque - opaque;
    if (i < 0 || i >= keys.size()) {
      // Out of step with the server: failing makes spymemcached reconnect the node.
      handleError(OperationErrorType.SERVER, "reply with an unexpected opaque " + responseOpaque);
      return;
    }
    if (errorCode == SUCCESS && payload.length >= FLAGS_LENGTH) {
      int flags =
          (payload[0] & 0xff) << 24
              | (payload[1] & 0xff) << 16
              | (payload[2] & 0xff) << 8
              | (payload[3] & 0xff);
      callback.gotData(
          keys.get(i), flags, Arrays.copyOfRange(payload, FLAGS_LENGTH, payload.length));
    } else if (errorCode != ERR_NOT_FOUND && firstError == null) {
      firstError =
          "memcached answered error "
              + errorCode
              + " to a read: "
              + new String(payload, StandardCharsets.UTF_8);
    }
    if (i < keys.size() - 1) {
      resetInput();
      return;
    }
    String error = firstError;
    if (error != null) {
      handleError(OperationErrorType.SERVER, error);
      return;
    }
    callback.receivedStatus(STATUS_OK);
    transitionState(OperationState.COMPLETE);
  }

  @Override
  public String toString() {
    return "QuietMultiGetOperation of " + keys.size() + " keys";
  }
}
