package dev.tandem.postgres;

/** Receives backfill progress after every batch, on the thread running the backfill. Keep it fast. */
@FunctionalInterface
public interface BackfillListener {

    /** A listener that ignores progress. */
    BackfillListener NONE = progress -> {};

    /**
     * Called after each committed batch.
     *
     * @param progress the progress so far
     */
    void onProgress(BackfillProgress progress);
}
