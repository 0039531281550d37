package org.manilaj.core.types;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.manilaj.core.ManilaException;
import org.manilaj.core.ProjectIds;
import org.manilaj.core.RequestContext;
import org.manilaj.core.db.DuplicateKeys;

/**
 * Who may see and use a share type, as in Manila: public types are everyone's; a private type
 * ({@code share_type_access:is_public false}) only its projects' and admins'. To anyone else it does
 * not exist (404).
 */
public final class ShareTypeAccess {
    private final Jdbi jdbi;
    private final ShareTypeService types;

    public ShareTypeAccess(Jdbi jdbi, ShareTypeService types) {
        this.jdbi = jdbi;
        this.types = types;
    }

    /**
     * The type a create names (id or name), or the default type when it names none: 404 for a type the
     * caller may not use, 400 when none is named and no default is configured.
     */
    public ShareType forCreate(RequestContext context, String idOrName) {
        if (idOrName == null) {
            return types.findDefault().orElseThrow(() -> ManilaException.badRequest(
                    "No share type given and no default share type is configured."));
        }
        return types.findByIdOrName(idOrName).filter(found -> canUse(context, found))
                .orElseThrow(() -> ManilaException.notFound("Share type " + idOrName + " could not be found."));
    }

    public boolean canUse(RequestContext context, ShareType type) {
        return context.admin() || type.isPublic()
                || jdbi.withExtension(ShareTypeDao.class, dao -> dao.hasProject(type.id(), context.projectId())) > 0;
    }

    /** The type, when the caller may see it; otherwise the same 404 as a type that does not exist. */
    public ShareType require(RequestContext context, ShareType type) {
        if (!canUse(context, type)) {
            throw ManilaException.notFound("Share type " + type.id() + " could not be found.");
        }
        return type;
    }

    /**
     * Manila's listing: members see public types and the private types of their project; admins see the
     * same by default, only private ones with {@code is_public=false}, and every type with {@code is_public=all}.
     */
    public List<ShareType> list(RequestContext context, String isPublic) {
        Boolean publicFilter = context.admin() ? parseIsPublic(isPublic) : Boolean.TRUE;
        Set<String> granted = new HashSet<>(jdbi.withExtension(ShareTypeDao.class,
                dao -> dao.typesOfProject(context.projectId())));
        return types.list().stream()
                .filter(type -> publicFilter == null
                        || (publicFilter ? type.isPublic() || granted.contains(type.id()) : !type.isPublic()))
                .toList();
    }

    public List<String> projects(String typeId) {
        requirePrivate(typeId, "Access list not available for public share types.");
        return jdbi.withExtension(ShareTypeDao.class, dao -> dao.projectsOf(typeId));
    }

    public void addProject(String typeId, String projectId) {
        ProjectIds.require(projectId);
        requirePrivate(typeId, "Invalid share type: Type access modification is not applicable to public share type.");
        boolean added = jdbi.inTransaction(handle -> DuplicateKeys.insertUnlessPresent(handle,
                () -> handle.attach(ShareTypeDao.class).addProject(typeId, projectId)));
        if (!added) {
            throw ManilaException.conflict("Share type access for " + typeId + " / " + projectId + " combination already exists.");
        }
    }

    public void removeProject(String typeId, String projectId) {
        ProjectIds.require(projectId);
        requirePrivate(typeId, "Invalid share type: Type access modification is not applicable to public share type.");
        if (jdbi.withExtension(ShareTypeDao.class, dao -> dao.removeProject(typeId, projectId)) == 0) {
            throw ManilaException.notFound("Share type access not found for " + typeId + " / " + projectId + " combination.");
        }
    }

    private void requirePrivate(String typeId, String publicMessage) {
        if (types.get(typeId).isPublic()) {
            throw ManilaException.conflict(publicMessage);
        }
    }

    private static Boolean parseIsPublic(String value) {
        if (value == null) {
            return Boolean.TRUE;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "all", "none" -> null;
            case "1", "t", "true", "on", "y", "yes" -> Boolean.TRUE;
            case "0", "f", "false", "off", "n", "no" -> Boolean.FALSE;
            default -> throw ManilaException.badRequest("Invalid is_public filter [" + value + "]");
        };
    }
}
