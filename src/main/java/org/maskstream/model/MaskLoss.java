package org.maskstream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.loss.Loss;

/**
 * The mask losses, all from logits. Labels {@code y [B, 1, S, S]} in {0, 1}, predictions logits
 * {@code x [B, 1, S, S]}, {@code p = sigmoid(x)}, sums per example over its pixels:
 * <ul>
 *   <li>{@code bce}: mean over all pixels of {@code max(x, 0) - x*y + log(1 + exp(-|x|))}, the stable form of
 *       {@code -y log p - (1-y) log(1-p)};</li>
 *   <li>{@code bce+iou}: BCE + mean over examples of {@code 1 - (I + 1) / (U + 1)}, soft Jaccard with
 *       {@code I = sum(p*y)}, {@code U = sum(p) + sum(y) - I} (the +1 makes an empty truth and empty prediction
 *       cost 0);</li>
 *   <li>{@code bce+dice}: BCE + mean over examples of {@code 1 - (2I + 1) / (sum(p) + sum(y) + 1)};</li>
 *   <li>{@code bce+boundary}: BCE + the mean BCE over the pixels of the edge band
 *       {@code band = dilate3x3(y) - erode3x3(y)} (pixels within one step of the mask edge, both sides):
 *       {@code sum(band*bce) / max(sum(band), 1)}, so edges count twice.</li>
 * </ul>
 */
public final class MaskLoss extends Loss {
    private static final float SMOOTH = 1f;

    private final LossKind kind;

    public MaskLoss(LossKind kind) {
        super(kind.id());
        this.kind = kind;
    }

    public LossKind kind() {
        return kind;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray y = labels.head();
        NDArray x = predictions.head();
        NDArray bce = elementwiseBce(x, y); // [B, 1, S, S]
        NDArray base = bce.mean();
        return switch (kind) {
            case BCE -> base;
            case BCE_IOU -> base.add(softJaccardLoss(Activation.sigmoid(x), y));
            case BCE_DICE -> base.add(diceLoss(Activation.sigmoid(x), y));
            case BCE_BOUNDARY -> base.add(boundaryBce(bce, y));
        };
    }

    /** {@code max(x, 0) - x*y + log(1 + exp(-|x|))}, never overflows. */
    static NDArray elementwiseBce(NDArray x, NDArray y) {
        return x.maximum(0f).sub(x.mul(y)).add(x.abs().neg().exp().add(1f).log());
    }

    private static NDArray perExampleSum(NDArray a) {
        return a.reshape(a.getShape().get(0), -1).sum(new int[] {1}); // [B]
    }

    private static NDArray softJaccardLoss(NDArray p, NDArray y) {
        NDArray inter = perExampleSum(p.mul(y));
        NDArray union = perExampleSum(p).add(perExampleSum(y)).sub(inter);
        return inter.add(SMOOTH).div(union.add(SMOOTH)).neg().add(1f).mean();
    }

    private static NDArray diceLoss(NDArray p, NDArray y) {
        NDArray inter = perExampleSum(p.mul(y));
        NDArray total = perExampleSum(p).add(perExampleSum(y));
        return inter.mul(2f).add(SMOOTH).div(total.add(SMOOTH)).neg().add(1f).mean();
    }

    private static NDArray boundaryBce(NDArray bce, NDArray y) {
        Shape k = new Shape(3, 3);
        Shape one = new Shape(1, 1);
        NDArray dilated = Pool.maxPool2d(y, k, one, one, false);
        NDArray eroded = Pool.maxPool2d(y.neg().add(1f), k, one, one, false).neg().add(1f);
        NDArray band = dilated.sub(eroded).stopGradient(); // [B, 1, S, S], 1 on the edge band
        return bce.mul(band).sum().div(band.sum().maximum(1f));
    }
}
