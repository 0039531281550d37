package org.manilaj.scheduler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The placement pipeline as it was before filters and weighers were bound to a request (commit e1ea70d),
 * copied verbatim: the reference {@link PlacementRankingPropertyTest} compares the scheduler with.
 */
final class ReferencePlacement {
    private ReferencePlacement() {
    }

    /** {@code PoolScheduler.manilaDefaults(multiplier).rank(request, pools)} as it was. */
    static List<WeighedPool> rank(double multiplier, PlacementRequest request, List<PoolState> pools) {
        return new Scheduler(List.of(new AvailabilityZoneFilter(), new CapacityFilter(), new CapabilitiesFilter()),
                List.of(new CapacityWeigher(multiplier))).rank(request, pools);
    }

    static final class Scheduler {
        private final List<PoolFilter> filters;
        private final List<PoolWeigher> weighers;

        Scheduler(List<PoolFilter> filters, List<PoolWeigher> weighers) {
            this.filters = filters;
            this.weighers = weighers;
        }

        public List<WeighedPool> rank(PlacementRequest request, List<PoolState> pools) {
            List<PoolState> candidates = new ArrayList<>();
            for (PoolState pool : pools) {
                if (filters.stream().allMatch(filter -> filter.passes(request, pool))) {
                    candidates.add(pool);
                }
            }
            double[] total = new double[candidates.size()];
            for (PoolWeigher weigher : weighers) {
                double[] raw = new double[candidates.size()];
                for (int i = 0; i < raw.length; i++) {
                    raw[i] = weigher.rawWeight(request, candidates.get(i));
                }
                double[] normalized = WeightNormalizer.normalize(raw);
                for (int i = 0; i < total.length; i++) {
                    total[i] += weigher.multiplier() * normalized[i];
                }
            }
            List<WeighedPool> ranked = new ArrayList<>(candidates.size());
            for (int i = 0; i < total.length; i++) {
                ranked.add(new WeighedPool(candidates.get(i), total[i]));
            }
            // Stable sort: equal weights keep the snapshot's order, so placement is deterministic.
            ranked.sort(Comparator.comparingDouble(WeighedPool::weight).reversed());
            return ranked;
        }
    }

    static final class ExtraSpecMatcher {
        private static final Pattern WHITESPACE = Pattern.compile("\\s+");

        /**
         * @param capability the pool's value as text; a list is written {@code [a, b]}
         * @param requirement the extra spec's value
         */
        public static boolean matches(String capability, String requirement) {
            if (capability == null) {
                return false;
            }
            List<String> elements = listElements(capability);
            if (elements != null) {
                return elements.stream().anyMatch(element -> matches(element, requirement));
            }
            List<String> words = new ArrayList<>(Arrays.asList(WHITESPACE.split(requirement.trim())));
            String operator = words.isEmpty() ? "" : words.get(0);
            if (!isOperator(operator)) {
                Boolean wanted = parseBoolean(requirement);
                Boolean actual = parseBoolean(capability);
                return wanted != null && actual != null ? wanted.equals(actual) : capability.equals(requirement);
            }
            words.remove(0);
            if (operator.equals("<or>")) {
                return orMatches(capability, words);
            }
            if (words.isEmpty()) {
                return false;
            }
            String operand = words.get(0);
            try {
                return switch (operator) {
                    case "=", ">=" -> number(capability) >= number(operand);
                    case "==" -> number(capability) == number(operand);
                    case "!=" -> number(capability) != number(operand);
                    case "<=" -> number(capability) <= number(operand);
                    case "<in>" -> capability.contains(operand);
                    case "<is>" -> {
                        Boolean actual = parseBoolean(capability);
                        Boolean wanted = parseBoolean(operand);
                        yield actual != null && actual.equals(wanted);
                    }
                    case "s==" -> capability.equals(operand);
                    case "s!=" -> !capability.equals(operand);
                    case "s<" -> capability.compareTo(operand) < 0;
                    case "s<=" -> capability.compareTo(operand) <= 0;
                    case "s>" -> capability.compareTo(operand) > 0;
                    case "s>=" -> capability.compareTo(operand) >= 0;
                    default -> false;
                };
            } catch (NumberFormatException e) {
                return false;
            }
        }

        /** {@code <or> a <or> b}: the words alternate between values and the keyword. */
        private static boolean orMatches(String capability, List<String> words) {
            for (int i = 0; i < words.size(); i += 2) {
                if (words.get(i).equals(capability)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean isOperator(String word) {
            return switch (word) {
                case "=", "==", "!=", ">=", "<=", "<in>", "<is>", "<or>", "s==", "s!=", "s<", "s<=", "s>", "s>=" -> true;
                default -> false;
            };
        }

        private static double number(String value) {
            return Double.parseDouble(value.trim());
        }

        static Boolean parseBoolean(String value) {
            return switch (value.trim().toLowerCase(Locale.ROOT)) {
                case "1", "t", "true", "on", "y", "yes" -> true;
                case "0", "f", "false", "off", "n", "no" -> false;
                default -> null;
            };
        }

        private static List<String> listElements(String value) {
            String trimmed = value.trim();
            if (!trimmed.startsWith("[") || !trimmed.endsWith("]")) {
                return null;
            }
            String inner = trimmed.substring(1, trimmed.length() - 1).trim();
            List<String> elements = new ArrayList<>();
            if (!inner.isEmpty()) {
                for (String element : inner.split(",")) {
                    elements.add(element.trim());
                }
            }
            return elements;
        }
    }

    static final class CapabilitiesFilter implements PoolFilter {
        private static final Set<String> IGNORED = Set.of("availability_zones", "default_qos_type");
        private static final String SCOPE = "capabilities:";

        @Override
        public boolean passes(PlacementRequest request, PoolState pool) {
            for (Map.Entry<String, String> spec : request.extraSpecs().entrySet()) {
                String key = spec.getKey();
                if (IGNORED.contains(key)) {
                    continue;
                }
                if (key.startsWith(SCOPE)) {
                    key = key.substring(SCOPE.length());
                } else if (key.contains(":")) {
                    continue;
                }
                if (!ExtraSpecMatcher.matches(pool.capabilities().get(key), spec.getValue())) {
                    return false;
                }
            }
            return true;
        }
    }

    static final class AvailabilityZoneFilter implements PoolFilter {
        @Override
        public boolean passes(PlacementRequest request, PoolState pool) {
            if (request.availabilityZone() != null && !request.availabilityZone().equals(pool.availabilityZone())) {
                return false;
            }
            String allowed = request.extraSpecs().get("availability_zones");
            if (allowed == null || allowed.isBlank()) {
                return true;
            }
            return Arrays.stream(allowed.split(",")).map(String::trim).anyMatch(zone -> zone.equals(pool.availabilityZone()));
        }
    }

    static final class CapacityFilter implements PoolFilter {

        @Override
        public boolean passes(PlacementRequest request, PoolState pool) {
            double reserved = (request.extend() ? pool.reservedShareExtendPercentage() : pool.reservedPercentage()) / 100.0;
            boolean thin = ThinProvisioning.useThinLogic(request.extraSpecs()) && pool.thinProvisioning();
            return new CapacityRule(pool.totalCapacityGb(), pool.freeCapacityGb(), pool.provisionedCapacityGb())
                    .admits(request.requestedGib(), thin, pool.maxOverSubscriptionRatio(), reserved);
        }
    }

    static final class CapacityWeigher implements PoolWeigher {
        private final double multiplier;

        CapacityWeigher(double multiplier) {
            this.multiplier = multiplier;
        }

        @Override
        public double multiplier() {
            return multiplier;
        }

        /** Raw weight in GiB; infinities for unknown capacity are clamped by {@link WeightNormalizer}. */
        @Override
        public double rawWeight(PlacementRequest request, PoolState pool) {
            double reserved = (request.extend() ? pool.reservedShareExtendPercentage() : pool.reservedPercentage()) / 100.0;
            if (pool.totalCapacityGb() == null || pool.freeCapacityGb() == null) {
                return multiplier > 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            double total = pool.totalCapacityGb();
            boolean thin = ThinProvisioning.useThinLogic(request.extraSpecs()) && pool.thinProvisioning();
            if (thin) {
                return Math.floor(total * pool.maxOverSubscriptionRatio() - pool.provisionedCapacityGb() - total * reserved);
            }
            return Math.floor(pool.freeCapacityGb() - total * reserved);
        }
    }

    static final class ThinProvisioning {

        /**
         * Without a {@code thin_provisioning} (or {@code capabilities:thin_provisioning}) extra spec, thin
         * logic applies wherever the pool is thin. {@code <is> True} keeps it; any other value that is not
         * a boolean turns it off, as Manila's strict parsing does.
         */
        public static boolean useThinLogic(Map<String, String> extraSpecs) {
            String spec = extraSpecs.get("thin_provisioning");
            if (spec == null) {
                spec = extraSpecs.get("capabilities:thin_provisioning");
            }
            if (spec == null) {
                return true;
            }
            String value = spec.trim().toLowerCase(Locale.ROOT);
            return switch (value) {
                case "1", "t", "true", "on", "y", "yes", "<is> true" -> true;
                default -> false;
            };
        }
    }
}
