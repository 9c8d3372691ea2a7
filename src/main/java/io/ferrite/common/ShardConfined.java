package io.ferrite.common;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Instances belong to one shard: only that shard's thread touches them, or an execution holding
 * the shard (a cross-shard run reads every held shard from one thread). No locks guard them; the
 * engine enforces it by running every access as a task on the shard's loop, and checks it, with
 * assertions on (tests), at the one door to a shard's data ({@code ShardKeyspace}).
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.FIELD})
public @interface ShardConfined {
}
