package dev.layercache.examples.blog;

/**
 * A comment as shown under an article.
 *
 * @param commentId the comment
 * @param userId who wrote it
 * @param userName the writer's name
 * @param body the text
 * @param createdAt when it was written, epoch milliseconds
 */
public record CommentView(
    long commentId, long userId, String userName, String body, long createdAt) {}
