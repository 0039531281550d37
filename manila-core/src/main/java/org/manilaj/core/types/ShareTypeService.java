package org.manilaj.core.types;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.ManilaException;
import org.manilaj.core.replication.ReplicationType;
import org.manilaj.core.db.DuplicateKeys;
import org.manilaj.core.share.ShareDao;

/** Share types and their extra specs, with Manila's rules for the required spec. */
public final class ShareTypeService {
    private static final int MAX_NAME = 255;
    private static final int MAX_SPEC_VALUE = 1023;

    private final Jdbi jdbi;
    private final Clock clock;
    private final String defaultTypeName;

    /** @param defaultTypeName the name of the default share type, or {@code null} for none */
    public ShareTypeService(Jdbi jdbi, Clock clock, String defaultTypeName) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.defaultTypeName = defaultTypeName;
    }

    /**
     * Creates a type. {@code extraSpecs} values are JSON scalars as sent; they are stored as Manila
     * shows them ({@code true} becomes {@code "True"}).
     */
    public ShareType create(String name, String description, Boolean isPublic, Map<String, Object> extraSpecs) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME) {
            throw ManilaException.badRequest("Share type name must be a string of 1 to 255 characters.");
        }
        if (description != null && description.length() > MAX_NAME) {
            throw ManilaException.badRequest("Share type description must be at most 255 characters.");
        }
        Map<String, String> specs = normalizeSpecs(extraSpecs == null ? Map.of() : extraSpecs);
        if (!specs.containsKey(ShareType.DHSS)) {
            throw ManilaException.badRequest("Invalid extra_spec: Required extra specs are missing: ["
                    + ShareType.DHSS + "].");
        }
        requireNoShareServers(specs.get(ShareType.DHSS));
        ShareTypeRow row = new ShareTypeRow(UUID.randomUUID().toString(), name, description,
                isPublic == null || isPublic, clock.instant());
        return jdbi.inTransaction(handle -> {
            ShareTypeDao types = handle.attach(ShareTypeDao.class);
            if (types.findByName(name).isPresent()) {
                throw ManilaException.conflict("Share Type " + name + " already exists.");
            }
            types.insert(row);
            specs.forEach((key, value) -> types.insertSpec(new ShareTypeDao.ExtraSpec(row.id(), key, value)));
            return toShareType(row, specs);
        });
    }

    public List<ShareType> list() {
        return jdbi.withExtension(ShareTypeDao.class, types -> {
            List<ShareTypeRow> rows = types.list();
            if (rows.isEmpty()) {
                return List.of();
            }
            Map<String, Map<String, String>> specs = types.extraSpecs(rows.stream().map(ShareTypeRow::id).toList()).stream()
                    .collect(Collectors.groupingBy(ShareTypeDao.ExtraSpec::shareTypeId, LinkedHashMap::new,
                            Collectors.toMap(ShareTypeDao.ExtraSpec::specKey, ShareTypeDao.ExtraSpec::specValue,
                                    (a, b) -> a, LinkedHashMap::new)));
            return rows.stream().map(row -> toShareType(row, specs.getOrDefault(row.id(), Map.of()))).toList();
        });
    }

    public ShareType get(String id) {
        return find(id).orElseThrow(() -> ManilaException.notFound("Share type " + id + " could not be found."));
    }

    /** By id or, failing that, by name (as share create accepts either). */
    public Optional<ShareType> findByIdOrName(String idOrName) {
        return load(types -> types.find(idOrName).or(() -> types.findByName(idOrName)));
    }

    public Optional<ShareType> findDefault() {
        if (defaultTypeName == null) {
            return Optional.empty();
        }
        return load(types -> types.findByName(defaultTypeName));
    }

    /** A type and its extra specs over one connection. */
    private Optional<ShareType> load(Function<ShareTypeDao, Optional<ShareTypeRow>> lookup) {
        return jdbi.withExtension(ShareTypeDao.class, types -> lookup.apply(types)
                .map(row -> toShareType(row, toMap(types.extraSpecs(List.of(row.id()))))));
    }

    private static Map<String, String> toMap(List<ShareTypeDao.ExtraSpec> specs) {
        return specs.stream().collect(Collectors.toMap(ShareTypeDao.ExtraSpec::specKey, ShareTypeDao.ExtraSpec::specValue,
                (a, b) -> a, LinkedHashMap::new));
    }

    public ShareType getDefault() {
        return findDefault().orElseThrow(() -> ManilaException.notFound("Default share type could not be found."));
    }

    public boolean isDefault(ShareType type) {
        return type.name().equals(defaultTypeName);
    }

    public void delete(String id) {
        jdbi.useTransaction(handle -> {
            ShareTypeDao types = handle.attach(ShareTypeDao.class);
            if (types.find(id).isEmpty()) {
                throw ManilaException.notFound("Share type " + id + " could not be found.");
            }
            if (handle.attach(ShareDao.class).countOfType(id) > 0) {
                throw ManilaException.badRequest("Share Type " + id + " deletion is not allowed with shares present"
                        + " with the type.");
            }
            types.delete(id);
        });
    }

    public Map<String, String> extraSpecs(String shareTypeId) {
        return jdbi.withExtension(ShareTypeDao.class, types -> toMap(types.extraSpecs(List.of(shareTypeId))));
    }

    /** Adds or replaces the given specs; returns them as stored. */
    public Map<String, String> setExtraSpecs(String shareTypeId, Map<String, Object> extraSpecs) {
        Map<String, String> specs = normalizeSpecs(extraSpecs);
        if (specs.isEmpty()) {
            throw ManilaException.badRequest("No extra specs given.");
        }
        if (specs.containsKey(ShareType.DHSS)) {
            requireNoShareServers(specs.get(ShareType.DHSS));
        }
        jdbi.useTransaction(handle -> {
            ShareTypeDao types = handle.attach(ShareTypeDao.class);
            if (types.find(shareTypeId).isEmpty()) {
                throw ManilaException.notFound("Share type " + shareTypeId + " could not be found.");
            }
            if (specs.containsKey(ReplicationType.EXTRA_SPEC)) {
                requireUnusedForReplicationChange(types, shareTypeId);
            }
            specs.forEach((key, value) -> {
                ShareTypeDao.ExtraSpec spec = new ShareTypeDao.ExtraSpec(shareTypeId, key, value);
                if (types.updateSpec(spec) == 0 && !DuplicateKeys.insertUnlessPresent(handle, () -> types.insertSpec(spec))) {
                    types.updateSpec(spec);
                }
            });
        });
        return specs;
    }

    public void unsetExtraSpec(String shareTypeId, String key) {
        if (ShareType.DHSS.equals(key)) {
            throw ManilaException.forbidden("Extra spec '" + key + "' can't be deleted.");
        }
        get(shareTypeId);
        jdbi.useTransaction(handle -> { // the check and the change in one transaction, as setExtraSpecs does
            ShareTypeDao types = handle.attach(ShareTypeDao.class);
            if (ReplicationType.EXTRA_SPEC.equals(key)) {
                requireUnusedForReplicationChange(types, shareTypeId);
            }
            if (types.deleteSpec(shareTypeId, key) == 0) {
                throw ManilaException.notFound("Share Type " + shareTypeId + " has no extra specs with key " + key + ".");
            }
        });
    }

    /** A replicated share is its replicas (rows, quotas) from its create on: its type cannot change its mind later. */
    private static void requireUnusedForReplicationChange(ShareTypeDao types, String shareTypeId) {
        int shares = types.sharesOfType(shareTypeId);
        if (shares > 0) {
            throw ManilaException.badRequest("replication_type cannot be set or unset on share type " + shareTypeId
                    + ": " + shares + " share(s) use it; create another type.");
        }
    }

    private Optional<ShareType> find(String id) {
        return load(types -> types.find(id));
    }

    private static ShareType toShareType(ShareTypeRow row, Map<String, String> specs) {
        return new ShareType(row.id(), row.name(), row.description(), row.isPublic(), row.createdAt(), specs);
    }

    private static void requireNoShareServers(String value) {
        Boolean parsed = parseStrictBoolean(value);
        if (parsed == null) {
            throw ManilaException.badRequest("Invalid extra_spec: " + ShareType.DHSS + " must be a boolean, not '" + value + "'.");
        }
        if (parsed) {
            throw ManilaException.badRequest("Invalid extra_spec: " + ShareType.DHSS
                    + " must be False: this service does not manage share servers.");
        }
    }

    /** oslo's strict {@code bool_from_string}: true, false, or null when the text is neither. */
    static Boolean parseStrictBoolean(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "1", "t", "true", "on", "y", "yes" -> true;
            case "0", "f", "false", "off", "n", "no" -> false;
            default -> null;
        };
    }

    private static Map<String, String> normalizeSpecs(Map<String, Object> extraSpecs) {
        Map<String, String> specs = new LinkedHashMap<>();
        extraSpecs.forEach((key, value) -> {
            if (key == null || key.isBlank() || key.length() > MAX_NAME) {
                throw ManilaException.badRequest("Invalid extra_spec: keys must be strings of 1 to 255 characters.");
            }
            String text;
            if (value instanceof Boolean bool) {
                text = bool ? "True" : "False";
            } else if (value instanceof String || value instanceof Number) {
                text = value.toString();
            } else {
                throw ManilaException.badRequest("Invalid extra_spec: value of " + key + " must be a string, number or boolean.");
            }
            if (text.length() > MAX_SPEC_VALUE) {
                throw ManilaException.badRequest("Invalid extra_spec: value of " + key + " is longer than 1023 characters.");
            }
            if (key.equals(ReplicationType.EXTRA_SPEC)) {
                ReplicationType.parse(text); // 'writable', or a typo, is refused here rather than at the first replica
            }
            specs.put(key, text);
        });
        return specs;
    }
}
