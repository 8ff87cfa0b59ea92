package org.maskstream.sql;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.table.api.config.ExecutionConfigOptions;
import org.apache.flink.table.catalog.ResolvedCatalogModel;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.factories.ModelProviderFactory;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.ml.AsyncPredictRuntimeProvider;
import org.apache.flink.table.ml.ModelProvider;
import org.maskstream.avro.ModelRef;
import org.maskstream.model.MaskModel;
import org.maskstream.stream.EditMaskJob;
import org.maskstream.stream.SavedModels;
import org.maskstream.stream.StreamConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/**
 * {@code CREATE MODEL m INPUT (...) OUTPUT (...) WITH ('provider' = 'maskstream', 'model.path' = DIR, ...)}: serves a
 * saved maskstream model inside the TaskManagers for {@code ML_PREDICT}, micro-batched like the DataStream job.
 * Discovered through {@code META-INF/services/org.apache.flink.table.factories.Factory}.
 *
 * <p>At planning time (the first query that uses the model) it checks the options, the columns
 * ({@link ModelColumns}) and that the model folder loads, so each of these fails before a job is submitted.
 */
public final class MaskstreamModelProviderFactory implements ModelProviderFactory {
    public static final String IDENTIFIER = "maskstream";
    private static final Logger LOG = LoggerFactory.getLogger(MaskstreamModelProviderFactory.class);

    @Override
    public String factoryIdentifier() {
        return IDENTIFIER;
    }

    @Override
    public Set<ConfigOption<?>> requiredOptions() {
        return Set.of(SqlOptions.MODEL_PATH);
    }

    @Override
    public Set<ConfigOption<?>> optionalOptions() {
        return SqlOptions.modelOptional();
    }

    @Override
    public ModelProvider createModelProvider(Context context) {
        FactoryUtil.ModelProviderFactoryHelper helper = FactoryUtil.createModelProviderFactoryHelper(this, context);
        helper.validate();
        String what = "model " + context.getObjectIdentifier().asSummaryString();
        ResolvedCatalogModel model = context.getCatalogModel();
        ModelColumns columns = ModelColumns.check(model.getResolvedInputSchema(), model.getResolvedOutputSchema(), what);
        StreamConfig config = SqlOptions.streamConfig(helper.getOptions(),
                helper.getOptions().get(SqlOptions.MODEL_PATH), what);
        ModelRef initial;
        try {
            initial = EditMaskJob.initialModel(config);
            try (MaskModel loaded = SavedModels.LOADER.load(initial)) {
                LOG.info("{}: model version {} from {} ({} px) checked", what, loaded.version(), config.model(),
                        loaded.inputSize());
            }
        } catch (Exception e) {
            throw new IllegalArgumentException(what + ": 'model.path' = '" + config.model() + "' does not load: "
                    + e.getMessage(), e);
        }
        int inFlight = context.getConfiguration().get(ExecutionConfigOptions.TABLE_EXEC_ASYNC_ML_PREDICT_MAX_CONCURRENT_OPERATIONS);
        if (inFlight < config.batchSize()) {
            LOG.warn("{}: {} is {}, below 'batch.size' {}: batches will hold at most {} rows; set it to 4 x batch.size",
                    what, ExecutionConfigOptions.TABLE_EXEC_ASYNC_ML_PREDICT_MAX_CONCURRENT_OPERATIONS.key(), inFlight,
                    config.batchSize(), inFlight);
        }
        return new Provider(new MaskPredictFunction(config, initial, columns, what));
    }

    /** Only asynchronous: rows must wait together in the batcher, which a synchronous call per row cannot do. */
    private record Provider(AsyncPredictFunction function) implements AsyncPredictRuntimeProvider {
        @Override
        public AsyncPredictFunction createAsyncPredictFunction(Context context) {
            return function;
        }

        @Override
        public ModelProvider copy() {
            return new Provider(function);
        }
    }
}
