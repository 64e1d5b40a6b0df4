package dev.layercache.examples.blog;

/**
 * One entry of a friend list.
 *
 * @param userId the friend
 * @param name the friend's name
 * @param since when the friendship began, epoch milliseconds
 */
public record Friend(long userId, String name, long since) {}
