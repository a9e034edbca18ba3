/**
 * Tandem's command-line interface: {@link dev.tandem.cli.TandemCli} runs an application's plans from a deployment
 * pipeline, and {@link dev.tandem.cli.ExitCodes} lists what it exits with.
 */
@NullMarked
@CheckReturnValue
package dev.tandem.cli;

import com.google.errorprone.annotations.CheckReturnValue;
import org.jspecify.annotations.NullMarked;
