package org.maskstream.view;

import static org.maskstream.events.AvroCodec.bytes;

import org.maskstream.avro.DeadLetter;
import org.maskstream.avro.DeadLetterKind;
import org.maskstream.avro.EditRequest;
import org.maskstream.avro.IouMetric;
import org.maskstream.avro.MaskResult;
import org.maskstream.avro.ModelUpdate;
import org.maskstream.avro.ValidationMetrics;
import org.maskstream.retrain.Attempt;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything the view's page shows, fed by {@link ViewReader} from the job's topics, every part bounded.
 *
 * <p>The photo is not in {@code MaskResult}, so requests are joined to results by id ({@link RequestJoin}, bounded
 * by {@link Limits#photoCacheBytes} and {@link Limits#pendingResults}); only the last {@link Limits#results} joined
 * results keep their bytes, and their pictures are drawn when the page first asks for them ({@link Shown}), not
 * for every result that streams by.
 *
 * <p>Thread-safe: one reader thread writes, HTTP threads read snapshots.
 */
public final class ViewState {
    /** Past this many characters a dead letter's reason is cut. */
    private static final int REASON_CHARS = 300;
    private static final int LATENCIES = 1000;
    /** Results per second are averaged over this many whole seconds (results arrive in checkpoint bursts). */
    private static final int RATE_SECONDS = 10;

    /**
     * @param results            joined results kept with their pictures (the page's thumbnails)
     * @param photoCacheBytes    most bytes of request images and true masks waiting for their result
     * @param pendingResults     most results waiting for their request
     * @param iouPoints          window IoU points kept per model version
     * @param versions           model versions with IoU series kept (the oldest is dropped)
     * @param deadLettersPerKind latest dead letters kept per kind
     * @param timelineEvents     model timeline events kept
     */
    public record Limits(int results, long photoCacheBytes, int pendingResults, int iouPoints, int versions,
                         int deadLettersPerKind, int timelineEvents) {
        public static final Limits DEFAULT = new Limits(24, 64L << 20, 512, 360, 16, 5, 100);

        public Limits {
            if (results < 1 || photoCacheBytes < 0 || pendingResults < 0 || iouPoints < 1 || versions < 1
                    || deadLettersPerKind < 1 || timelineEvents < 1) {
                throw new IllegalArgumentException("view limits must be positive: " + this);
            }
        }
    }

    private final Limits limits;
    private final RequestJoin join;
    private final Deque<Shown> shown = new ArrayDeque<>();
    private long nextSeq;
    private long results;
    private final long[] latencies = new long[LATENCIES];
    private int latencyCount;
    /** Results counted per wall-clock second, in a ring: slot {@code s mod length} counts second {@code s}. */
    private final long[] perSecond = new long[RATE_SECONDS + 1];
    private final long[] slotSecond = new long[RATE_SECONDS + 1];
    private String serving;
    private final LinkedHashMap<String, TreeMap<Long, IouPoint>> iou = new LinkedHashMap<>();
    private final EnumMap<DeadLetterKind, Long> deadLetterCounts = new EnumMap<>(DeadLetterKind.class);
    private final EnumMap<DeadLetterKind, Deque<DeadLetterLine>> deadLetterLatest = new EnumMap<>(DeadLetterKind.class);
    private final Deque<TimelineEvent> timeline = new ArrayDeque<>();
    private final Set<String> versionsSeen = new HashSet<>();
    private final Set<String> promotionsSeen = new HashSet<>();
    private final Set<String> attemptsSeen = new HashSet<>();

    public ViewState(Limits limits) {
        this.limits = limits;
        this.join = new RequestJoin(limits.photoCacheBytes, limits.pendingResults, this::show);
        Arrays.fill(slotSecond, Long.MIN_VALUE);
    }

    /** A request read from {@code edit-requests}: joins a waiting result or waits for one. */
    public synchronized void onRequest(EditRequest request) {
        join.onRequest(request);
    }

    /** A result read from {@code edit-masks}, at wall-clock {@code nowMs}. */
    public synchronized void onResult(MaskResult result, long nowMs) {
        results++;
        latencies[latencyCount++ % LATENCIES] = result.getLatencyMs();
        count(nowMs);
        serving = result.getModelVersion();
        if (versionsSeen.add(result.getModelVersion())) {
            addEvent(new TimelineEvent(result.getEventTime().toEpochMilli(), "serving", result.getModelVersion(),
                    null, "first result of " + result.getModelVersion() + " (request " + result.getId() + ")"));
        }
        join.onResult(result);
    }

    private void show(Joined joined) {
        shown.addFirst(new Shown(nextSeq++, joined));
        while (shown.size() > limits.results) {
            shown.removeLast();
        }
    }

    private void count(long nowMs) {
        long second = Math.floorDiv(nowMs, 1000);
        int slot = (int) Math.floorMod(second, perSecond.length);
        if (slotSecond[slot] != second) {
            slotSecond[slot] = second;
            perSecond[slot] = 0;
        }
        perSecond[slot]++;
    }

    /** A window read from {@code edit-iou}. */
    public synchronized void onIou(IouMetric m) {
        TreeMap<Long, IouPoint> series = iou.remove(m.getModelVersion());
        if (series == null) {
            series = new TreeMap<>();
        }
        iou.put(m.getModelVersion(), series); // most recently updated last, so the eldest version goes first
        series.put(m.getWindowEnd().toEpochMilli(), new IouPoint(m.getWindowEnd().toEpochMilli(), m.getMeanFgIou(),
                m.getCount()));
        while (series.size() > limits.iouPoints) {
            series.pollFirstEntry();
        }
        while (iou.size() > limits.versions) {
            iou.remove(iou.keySet().iterator().next());
        }
    }

    /** A dead letter read from {@code edit-dlq}. */
    public synchronized void onDeadLetter(DeadLetter d) {
        deadLetterCounts.merge(d.getKind(), 1L, Long::sum);
        Deque<DeadLetterLine> latest = deadLetterLatest.computeIfAbsent(d.getKind(), k -> new ArrayDeque<>());
        String reason = d.getReason().length() > REASON_CHARS ? d.getReason().substring(0, REASON_CHARS) + "..."
                : d.getReason();
        String key = d.getKey() == null ? null : new String(bytes(d.getKey()), StandardCharsets.UTF_8);
        latest.addFirst(new DeadLetterLine(d.getTime().toEpochMilli(), key, reason,
                d.getTopic() + "/" + d.getPartition() + "@" + d.getOffset()));
        while (latest.size() > limits.deadLettersPerKind) {
            latest.removeLast();
        }
    }

    /** A promotion read from {@code model-updates}. */
    public synchronized void onModelUpdate(ModelUpdate u) {
        if (!promotionsSeen.add(u.getVersion())) {
            return;
        }
        addEvent(new TimelineEvent(u.getPromotedAt().toEpochMilli(), "promoted", u.getVersion(), u.getPreviousVersion(),
                gate(u.getPrevious(), u.getCandidate(), u.getValidationExamples())));
    }

    /** A retraining attempt from the registry's history: refusals and failures (promotions come as updates). */
    public synchronized void onAttempt(Attempt a) {
        String key = a.time() + "/" + a.outcome() + "/" + a.version();
        if (a.outcome() == Attempt.Outcome.PROMOTED || !attemptsSeen.add(key)) {
            return;
        }
        String numbers = a.candidate() == null ? "" : String.format(Locale.ROOT,
                "validation fg IoU %s -> %.3f on %d, margin %.3f; ", a.current() == null ? "-"
                        : String.format(Locale.ROOT, "%.3f", a.current().fgIou()), a.candidate().fgIou(),
                a.validationExamples(), a.margin());
        addEvent(new TimelineEvent(Instant.parse(a.time()).toEpochMilli(), a.outcome().name().toLowerCase(Locale.ROOT),
                a.version(), a.currentVersion(), numbers + a.reason()));
    }

    private static String gate(ValidationMetrics previous, ValidationMetrics candidate, int examples) {
        return String.format(Locale.ROOT, "validation fg IoU %s -> %.3f on %d examples",
                previous == null ? "-" : String.format(Locale.ROOT, "%.3f", previous.getFgIou()), candidate.getFgIou(),
                examples);
    }

    private void addEvent(TimelineEvent e) {
        timeline.addLast(e);
        while (timeline.size() > limits.timelineEvents) {
            timeline.removeFirst();
        }
    }

    /** The shown result of sequence number {@code seq}, or null when it is no longer shown. */
    public synchronized Shown shown(long seq) {
        for (Shown s : shown) {
            if (s.seq() == seq) {
                return s;
            }
        }
        return null;
    }

    /** What the page shows now, at wall-clock {@code nowMs}. */
    public synchronized Snapshot snapshot(long nowMs) {
        List<ResultCard> cards = shown.stream().map(Shown::card).toList();
        long[] sorted = Arrays.copyOf(latencies, Math.min(latencyCount, LATENCIES));
        Arrays.sort(sorted);
        long second = Math.floorDiv(nowMs, 1000);
        long recent = 0;
        for (int slot = 0; slot < perSecond.length; slot++) {
            if (slotSecond[slot] >= second - RATE_SECONDS && slotSecond[slot] < second) {
                recent += perSecond[slot];
            }
        }
        Map<String, List<IouPoint>> series = new LinkedHashMap<>();
        iou.forEach((version, points) -> series.put(version, List.copyOf(points.values())));
        Map<String, DeadLetterGroup> dead = new TreeMap<>();
        deadLetterCounts.forEach((kind, n) -> dead.put(kind.name(),
                new DeadLetterGroup(n, List.copyOf(deadLetterLatest.get(kind)))));
        List<TimelineEvent> events = new ArrayList<>(timeline);
        events.sort(Comparator.comparingLong(TimelineEvent::time));
        return new Snapshot(nowMs, serving, results, join.withoutPhoto(), (double) recent / RATE_SECONDS,
                quantile(sorted, 0.50), quantile(sorted, 0.99), cards, series, dead, events);
    }

    private static Long quantile(long[] sorted, double q) {
        return sorted.length == 0 ? null : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }

    /** The page's state. Latencies in milliseconds, null before the first result. */
    public record Snapshot(long time, String serving, long results, long resultsWithoutPhoto, double resultsPerSecond,
                           Long p50LatencyMs, Long p99LatencyMs, List<ResultCard> latest,
                           Map<String, List<IouPoint>> iou, Map<String, DeadLetterGroup> deadLetters,
                           List<TimelineEvent> timeline) {
    }

    /** One thumbnail's caption; its pictures are {@code /results/SEQ/thumb.png} and {@code .../full.png}. */
    public record ResultCard(long seq, String id, String instruction, Double iou, String modelVersion, long latencyMs,
                             long eventTime, int width, int height, boolean photo, boolean labeled) {
    }

    /** One IoU window's end (epoch ms), mean foreground IoU and labeled count. */
    public record IouPoint(long t, double iou, long count) {
    }

    public record DeadLetterGroup(long count, List<DeadLetterLine> latest) {
    }

    public record DeadLetterLine(long time, String key, String reason, String source) {
    }

    /**
     * One entry of the model timeline.
     *
     * @param type {@code promoted} (a model update), {@code serving} (the first result of a version: the hot-swap
     *             seen from outside), {@code refused} or {@code failed} (retraining attempts in the registry)
     */
    public record TimelineEvent(long time, String type, String version, String previous, String detail) {
    }
}
