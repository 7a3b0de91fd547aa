package io.mailflow.campaigns;

import io.mailflow.model.DeadLetter;
import io.mailflow.model.EmailRequest;
import io.mailflow.recommendations.RecoList;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The streams {@link CampaignPipeline#attach} produces.
 *
 * @param requests e-mail requests with their "why", keyed by nothing in particular (join them by user)
 * @param status campaign definitions applied, ignored or rejected
 * @param deadLetters rejected campaign documents with the reason
 * @param recommendationModel every published list of the recommendation model
 */
public record CampaignOutputs(
        DataStream<EmailRequest> requests,
        DataStream<CampaignStatus> status,
        DataStream<DeadLetter> deadLetters,
        DataStream<RecoList> recommendationModel) {}
