package dev.tandem.plan;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an API that puts caller-supplied SQL text into statements verbatim. Such text is not escaped or bound: never
 * build it from user input, or you open an SQL-injection hole. Search for this annotation to find every place where
 * raw SQL enters a plan.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({ElementType.METHOD, ElementType.CONSTRUCTOR})
public @interface RawSql {}
