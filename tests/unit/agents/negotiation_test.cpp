#include "agents/resident/negotiation.hpp"
#include "agents/resident/participation.hpp"
#include "engine/stats.hpp"

#include <gtest/gtest.h>

#include <cmath>

using namespace minesim;

namespace {

/// Index of the first round whose offer meets the demand, or -1.
int agreement_round(double expectation, double informed, bool government_organized, double cap) {
  const NegotiationParams p;
  const double official = 100000.0;
  const double informed_eff =
      government_organized ? effective_informed(informed, p.gov_trust_gain) : informed;
  for (int k = 0; k < p.rounds; ++k) {
    const double offer = offer_yuan(official, 1.0, k, p.rounds - 1, p.payer_reluctance, cap);
    const double demand = demand_yuan(official, expectation, 1.0, informed_eff, k, p);
    if (offer >= demand) return k;
  }
  return -1;
}

} // namespace

TEST(Negotiation, ModelTermsFollowTheTableOfModelSection44) {
  EXPECT_EQ(model_terms(CompensationModel::enterprise_direct).months_per_round, 1);
  EXPECT_FALSE(model_terms(CompensationModel::enterprise_direct).government_organized);
  EXPECT_EQ(model_terms(CompensationModel::enterprise_funded_gov_organized).payer,
            Payer::enterprise);
  EXPECT_TRUE(model_terms(CompensationModel::enterprise_funded_gov_organized).government_organized);
  EXPECT_EQ(model_terms(CompensationModel::joint).payer, Payer::enterprise_and_local_government);
  EXPECT_EQ(model_terms(CompensationModel::state_funded).months_per_round, 3);
  EXPECT_EQ(model_terms(CompensationModel::state_funded).payment, PaymentMix::annual);
  EXPECT_EQ(model_terms(CompensationModel::investment_promotion).payment,
            PaymentMix::in_kind_and_lump_sum);
}

TEST(Negotiation, OffersConcedeFromGenerosityToTheCap) {
  EXPECT_DOUBLE_EQ(offer_yuan(1000, 1.0, 0, 5, 1.5, 1.5), 1000);
  // 1000 * (1 + 0.5 * (3/5)^1.5)
  EXPECT_NEAR(offer_yuan(1000, 1.0, 3, 5, 1.5, 1.5), 1000 * (1 + 0.5 * std::pow(0.6, 1.5)), 1e-9);
  EXPECT_DOUBLE_EQ(offer_yuan(1000, 1.4, 5, 5, 1.5, 1.5), 1500); // the last round: the cap
  EXPECT_DOUBLE_EQ(offer_yuan(1000, 1.7, 0, 5, 1.5, 1.5), 1500); // generosity capped at the cap
}

TEST(Negotiation, DemandsFollowTheFormula) {
  const NegotiationParams p;
  // O0 * 1.6 * (1 + 0.5 * 0.2) * (1 + 0.5 * 0.7) * (1 - 0.05 * 2)
  EXPECT_NEAR(demand_yuan(1000, 1.6, 1.2, 0.3, 2, p), 1000 * 1.6 * 1.1 * 1.35 * 0.9, 1e-9);
  // Never below the official value; neighbours doing worse do not lower it.
  EXPECT_DOUBLE_EQ(demand_yuan(1000, 0.5, 0.8, 1.0, 5, p), 1000);
  EXPECT_EQ(settlement_yuan(1000.0, 1001.0), 1001); // 1000.5 rounds away from zero
}

TEST(Negotiation, ExpectationBelowTheFirstOfferAgreesInTheFirstRound) {
  EXPECT_EQ(agreement_round(1.0, 1.0, false, 1.5), 0);
  EXPECT_EQ(agreement_round(0.9, 1.0, false, 1.5), 0);
  // Information asymmetry inflates demands: the same expectation uninformed takes longer.
  EXPECT_GT(agreement_round(0.9, 0.5, false, 1.5), 0);
}

TEST(Negotiation, InformationAndATrustedOrganizerBringAgreementSooner) {
  const int informed_trusted = agreement_round(1.2, 1.0, true, 1.5);
  const int uninformed_direct = agreement_round(1.2, 0.1, false, 1.5);
  ASSERT_GE(informed_trusted, 0);
  EXPECT_TRUE(uninformed_direct < 0 || uninformed_direct > informed_trusted)
      << informed_trusted << " vs " << uninformed_direct;
  // The trust gain alone helps a poorly informed household.
  const int trusted = agreement_round(1.1, 0.1, true, 1.5);
  const int direct = agreement_round(1.1, 0.1, false, 1.5);
  ASSERT_GE(trusted, 0);
  EXPECT_TRUE(direct < 0 || direct > trusted) << trusted << " vs " << direct;
}

TEST(Negotiation, IndexWeighsItsThreeParts) {
  EXPECT_DOUBLE_EQ(negotiation_index(0.5, 0.2, 1.0), 0.4 * 0.5 + 0.3 * 0.2 + 0.3 * 1.0);
}

TEST(Participation, ProbabilityAndInformationRules) {
  const ParticipationParams p;
  EXPECT_DOUBLE_EQ(participation_probability(p, 0.6, 0.5), logistic(-2.0 + 1.5 + 1.0 - 0.5));
  EXPECT_DOUBLE_EQ(after_hearing(0.3, 0.2), 0.3 + 0.2 * 0.7);
  EXPECT_DOUBLE_EQ(learnt_from(0.2, 0.7, 0.2), 0.1);
  EXPECT_DOUBLE_EQ(learnt_from(0.7, 0.2, 0.2), 0.0);
}
