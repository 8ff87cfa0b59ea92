package org.maskstream.experiment;

import org.maskstream.data.Baselines;
import org.maskstream.data.Example;
import org.maskstream.grounding.CocoClasses;
import org.maskstream.grounding.CocoDetector;
import org.maskstream.grounding.DetectorPrior;
import org.maskstream.grounding.InstructionGrounder;
import org.maskstream.grounding.MiniLmClassMatcher;
import org.maskstream.metrics.IouCounts;
import org.maskstream.model.FrozenTextModel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The detector-box prior ({@link DetectorPrior}) on the real sample: it never trains on a photo, so it is scored on
 * every one. Also a breakdown by whether the instruction names a COCO class and by edit kind, beside the trivial
 * baselines on the same groups, and the per-photo inference time (one photo per call, detector and grounding).
 */
final class DetectorPriorRows {
    static final String NAME = "detector prior (fallback: full image)";

    /** One photo's outcome. */
    record Scored(Example example, DetectorPrior.Prediction prediction, IouCounts counts, double millis) {
    }

    private final List<Scored> scored;

    private DetectorPriorRows(List<Scored> scored) {
        this.scored = scored;
    }

    static DetectorPriorRows run(Path detectorFolder, List<Example> labeled) {
        DetectorPrior prior = DetectorPrior.standard(CocoDetector.shared(detectorFolder),
                new InstructionGrounder(new MiniLmClassMatcher(FrozenTextModel.minilm())));
        prior.predict(List.of(labeled.get(0))); // warm-up: the first ONNX Runtime call allocates
        List<Scored> out = new ArrayList<>();
        for (Example e : labeled) {
            long t0 = System.nanoTime();
            DetectorPrior.Prediction p = prior.predict(List.of(e)).get(0);
            double ms = (System.nanoTime() - t0) / 1e6;
            out.add(new Scored(e, p, p.mask().iouCounts(e.mask()), ms));
        }
        return new DetectorPriorRows(out);
    }

    IouCounts counts(Set<String> ids) {
        return scored.stream().filter(s -> ids.contains(s.example().id())).map(Scored::counts)
                .reduce(IouCounts.EMPTY, IouCounts::merge);
    }

    double meanMillis() {
        return scored.stream().mapToDouble(Scored::millis).average().orElse(Double.NaN);
    }

    /** The groups of the breakdown, by name. */
    private Map<String, Predicate<Scored>> groups() {
        Map<String, Predicate<Scored>> g = new LinkedHashMap<>();
        g.put("names a COCO class", s -> s.prediction().grounding().namesClass());
        g.put("names no COCO class", s -> !s.prediction().grounding().namesClass());
        for (InstructionGrounder.Kind k : InstructionGrounder.Kind.values()) {
            g.put("kind: " + k.name().toLowerCase(Locale.ROOT), s -> s.prediction().grounding().kind() == k);
        }
        g.put("all photos", s -> true);
        return g;
    }

    /** The breakdown table; baselines' box area and mean mask from {@code reference}. */
    String breakdown(Baselines.Reference reference, Map<String, IouCounts> grounded) {
        Markdown table = new Markdown("group", "n", "**detector prior**", "grounded network (cross-validated)",
                "baseline: full", "baseline: centred-box", "fell back (no named class detected)");
        for (Map.Entry<String, Predicate<Scored>> g : groups().entrySet()) {
            List<Scored> in = scored.stream().filter(g.getValue()).toList();
            if (in.isEmpty()) {
                continue;
            }
            Baselines baselines = new Baselines(reference);
            in.forEach(s -> baselines.score(s.example()));
            IouCounts mine = in.stream().map(Scored::counts).reduce(IouCounts.EMPTY, IouCounts::merge);
            table.row(g.getKey(), in.size(), "**" + Markdown.number(mine.fgIou()) + "**",
                    groundedCell(in.stream().map(sc -> grounded.get(sc.example().id())).toList()),
                    baselines.results().get("full").fgIou(), baselines.results().get("centred-box").fgIou(),
                    in.stream().filter(s -> s.prediction().fellBack()).count());
        }
        return table.toString();
    }

    /** Per photo: instruction, grounding, chosen boxes, fg IoU; for the JSON report. */
    List<Map<String, Object>> perPhoto() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Scored s : scored) {
            Map<String, Object> m = new LinkedHashMap<>();
            InstructionGrounder.Grounding g = s.prediction().grounding();
            m.put("id", s.example().id());
            m.put("instruction", s.example().instruction());
            m.put("kind", g.kind().name().toLowerCase(Locale.ROOT));
            m.put("classes", g.classes().stream().map(CocoClasses.NAMES::get).toList());
            m.put("choice", g.choice().name().toLowerCase(Locale.ROOT));
            m.put("chosen", s.prediction().chosen().stream().map(d -> String.format(Locale.ROOT,
                    "%s %.2f [%.0f %.0f %.0f %.0f]", d.label(), d.score(), d.box().x0(), d.box().y0(), d.box().x1(),
                    d.box().y1())).toList());
            m.put("fg_iou", s.counts().fgIou());
            m.put("millis", s.millis());
            out.add(m);
        }
        return out;
    }

    /** The grounded network's fg IoU over photos it scored; "-" when it scored none of them. */
    private static String groundedCell(List<IouCounts> counts) {
        List<IouCounts> scoredOnes = counts.stream().filter(java.util.Objects::nonNull).toList();
        return scoredOnes.isEmpty() ? "-" : Markdown.number(scoredOnes.stream().reduce(IouCounts.EMPTY,
                IouCounts::merge).fgIou()) + (scoredOnes.size() < counts.size() ? " (" + scoredOnes.size() + ")" : "");
    }

    /** The per-photo lines of the markdown report, with the grounded network's cross-validated fg IoU. */
    String perPhotoTable(Map<String, IouCounts> grounded) {
        Markdown table = new Markdown("id", "instruction", "grounded to", "boxes used", "fg IoU",
                "grounded network");
        for (Scored s : scored) {
            InstructionGrounder.Grounding g = s.prediction().grounding();
            String to = g.kind().name().toLowerCase(Locale.ROOT) + " " + (g.namesClass()
                    ? String.join(", ", g.classes().stream().map(CocoClasses.NAMES::get).toList()) + " ("
                    + g.choice().name().toLowerCase(Locale.ROOT) + ")" : "-");
            table.row(s.example().id(), s.example().instruction(), to,
                    s.prediction().fellBack() ? "none: full image" : s.prediction().chosen().size(),
                    s.counts().fgIou(), groundedCell(java.util.Collections.singletonList(
                            grounded.get(s.example().id()))));
        }
        return table.toString();
    }
}
