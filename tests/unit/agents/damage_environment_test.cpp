#include "agents/mine/damage.hpp"
#include "agents/region/environment.hpp"
#include "agents/resident/compensation_fee.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace minesim;

TEST(Damage, NewDamageIsProportionalToOutput) {
  // docs/odd.md §1.2: a default mine, 50 kt a month at 0.25 ha per 10 kt, damages 1.25 ha.
  EXPECT_DOUBLE_EQ(new_damage_ha(50000.0, 0.25), 1.25);
  EXPECT_DOUBLE_EQ(new_damage_ha(0.0, 0.25), 0.0);
  EXPECT_DOUBLE_EQ(new_damage_ha(10000.0, 0.18), 0.18);
}

TEST(Damage, FarmlandIsSplitByExposureTimesUndamagedLand) {
  // Two households of weight 0.5 * 2 ha and 0.25 * 4 ha share 3 ha of farmland damage
  // equally: total weight 2, each weight 1.
  EXPECT_DOUBLE_EQ(farmland_part_ha(3.0, 0.5, 2.0, 2.0), 1.5);
  EXPECT_DOUBLE_EQ(farmland_part_ha(3.0, 0.25, 4.0, 2.0), 1.5);
  EXPECT_DOUBLE_EQ(farmland_part_ha(3.0, 0.25, 4.0, 0.0), 0.0);
}

TEST(Damage, CapScalesPartsDownToTheUndamagedLand) {
  std::vector<double> parts{0.3, 0.1};
  EXPECT_DOUBLE_EQ(cap_at_undamaged(1.0, parts), 0.4 + 0.0 * parts[0]);
  EXPECT_DOUBLE_EQ(parts[0], 0.3);
  std::vector<double> over{0.6, 0.2};
  EXPECT_DOUBLE_EQ(cap_at_undamaged(0.4, over), 0.4);
  EXPECT_DOUBLE_EQ(over[0], 0.3);
  EXPECT_DOUBLE_EQ(over[1], 0.1);
}

TEST(Environment, MatchesTheFormulasOfModelSection41) {
  MineStore mines;
  mines.status = {MineStatus::active, MineStatus::legacy};
  mines.halted = {0, 0};
  mines.damaged_ha = {50.0, 100.0};
  mines.restoring_ha = {10.0, 0.0};
  mines.restored_ha = {0.0, 20.0};
  mines.cumulative_damaged_ha = {60.0, 120.0};
  const std::vector<double> exposure{0.5, 0.2};
  const EnvironmentParams p; // air 0.3, water 0.2, drawdown 0.1, closed share 0.3, 100 ha
  const VillageEnvironment env = village_environment(p, exposure, mines);
  // AQ = 1 - (0.5*0.3*1 + 0.2*0.3*0.3) = 1 - 0.168
  EXPECT_NEAR(env.air_quality, 1.0 - 0.168, 1e-15);
  // WQ = 1 - (0.5*0.2 + 0.2*0.2*0.3 + 0.5*0.1) = 1 - 0.162
  EXPECT_NEAR(env.water_quality, 1.0 - 0.162, 1e-15);
  // VG = 1 - (0.5 * 60/60 * 60/100 + 0.2 * 100/120 * 120/100) = 1 - 0.5
  EXPECT_NEAR(env.vegetation, 0.5, 1e-15);
}

TEST(Environment, LossesAreClippedAtOne) {
  MineStore mines;
  mines.status = {MineStatus::active};
  mines.halted = {0};
  mines.damaged_ha = {1000.0};
  mines.restoring_ha = {0.0};
  mines.restored_ha = {0.0};
  mines.cumulative_damaged_ha = {1000.0};
  const std::vector<double> exposure{5.0};
  const VillageEnvironment env = village_environment(EnvironmentParams{}, exposure, mines);
  EXPECT_EQ(env.air_quality, 0.0);
  EXPECT_EQ(env.water_quality, 0.0);
  EXPECT_EQ(env.vegetation, 0.0);
}

TEST(CompensationFee, ReproducesTheHainanExample) {
  // The source study's mining area in Hainan: 229.5956 million yuan in total, spread over 26
  // years with r = 0, gives 8.8306 million yuan a year; the present value of that annuity at
  // r = 0 is the total again.
  EXPECT_NEAR(annuity_yuan_per_year(229.5956e6, 0.0, 26.0), 8.8306e6, 0.00005e6);
  EXPECT_NEAR(present_value_yuan(8.8306e6, 0.0, 26.0), 229.5956e6, 0.00005e6);
}

TEST(CompensationFee, PresentValueAndAnnuityWithDiscounting) {
  // Hand-computed: 1000 a year for 3 years at 10%: 1000 (1/1.1 + 1/1.21 + 1/1.331).
  EXPECT_NEAR(present_value_yuan(1000.0, 0.1, 3.0), 1000.0 * (1 / 1.1 + 1 / 1.21 + 1 / 1.331),
              1e-9);
  EXPECT_NEAR(annuity_yuan_per_year(present_value_yuan(1000.0, 0.042, 26.0), 0.042, 26.0), 1000.0,
              1e-9);
}

TEST(CompensationFee, TheWholeEsvPathGivesHandComputedValues) {
  // Equivalents: cropland 4.01 to mining land 0.20 at 3406.5 yuan per equivalent and ha-year
  // lose 3406.5 * 3.81 = 12978.765 yuan/ha/year.
  EXPECT_NEAR(esv_loss_yuan_per_year(1.0, 3406.5, 4.01, 0.20), 12978.765, 1e-9);
  EXPECT_NEAR(esv_loss_yuan_per_year(2.5, 3406.5, 4.01, 0.20), 32446.9125, 1e-9);
  // Present value over 26 years at r = 0.042: the sum of 12978.765 / 1.042^t for t = 1..26,
  // added term by term outside the program: 202,989.5268 yuan/ha.
  FeeParams fee;
  EXPECT_NEAR(official_value_yuan_per_ha(fee), 202989.5268, 1e-4);
  // At r = 0 the present value is the plain sum: 26 * 12978.765 = 337,447.89 yuan/ha.
  fee.discount_rate = 0.0;
  EXPECT_NEAR(official_value_yuan_per_ha(fee), 337447.89, 1e-6);
  // Another case through every parameter: 2.5 ha, 10 years at 5%: 250,546.4576 yuan.
  fee = FeeParams{3406.5, 4.01, 0.20, 0.05, 10.0};
  EXPECT_NEAR(2.5 * official_value_yuan_per_ha(fee), 250546.4576, 1e-4);
  // No change of land use, no loss.
  fee = FeeParams{3406.5, 0.20, 0.20, 0.042, 26.0};
  EXPECT_EQ(official_value_yuan_per_ha(fee), 0.0);
}
