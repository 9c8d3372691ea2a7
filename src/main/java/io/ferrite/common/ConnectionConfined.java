package io.ferrite.common;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * State of one client connection, touched only on the event loop serving it; a shard running one
 * of its commands elsewhere reads it while the connection waits for the reply (the task queue
 * orders the two). Fields other threads read at any time (CLIENT LIST, CLIENT KILL) are volatile.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.TYPE, ElementType.FIELD})
public @interface ConnectionConfined {
}
