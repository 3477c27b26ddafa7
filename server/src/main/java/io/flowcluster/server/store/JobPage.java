package io.flowcluster.server.store;

import java.util.List;
import java.util.OptionalLong;

/** A page of jobs and, when more match, the sequence number to continue below. */
public record JobPage(List<StoredJob> jobs, OptionalLong nextBeforeSeq) {
}
