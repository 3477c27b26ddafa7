package io.flowcluster.server.worker;

import io.flowcluster.server.config.FlowConfig;

/** How much of one step attempt's output a node keeps: bytes and lines in all, and bytes per line. */
public record OutputLimits(long bytes, int lines, int lineBytes) {

    static OutputLimits of(FlowConfig.Worker config) {
        return new OutputLimits(config.maxLogBytes(), config.maxLogLines(), config.maxLineBytes());
    }
}
