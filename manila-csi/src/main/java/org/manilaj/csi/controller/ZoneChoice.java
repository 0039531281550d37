package org.manilaj.csi.controller;

import java.util.ArrayList;
import java.util.List;
import org.manilaj.csi.CsiErrors;
import org.manilaj.csi.v1.Topology;
import org.manilaj.csi.v1.TopologyRequirement;

/**
 * The availability zone a new share goes to: the StorageClass's {@code availabilityZone}, which must then
 * be among the requisite zones (else RESOURCE_EXHAUSTED); otherwise the first preferred zone (the node the CO picked), then the first
 * requisite one; otherwise any zone (the service's default).
 */
final class ZoneChoice {
    private ZoneChoice() {
    }

    static String choose(String parameterZone, TopologyRequirement requirement, String zoneKey) {
        List<String> requisite = zones(requirement.getRequisiteList(), zoneKey);
        List<String> preferred = zones(requirement.getPreferredList(), zoneKey);
        if (parameterZone != null) {
            if (!requisite.isEmpty() && !requisite.contains(parameterZone)) {
                // the spec's answer for "cannot provision in the accessible topology": the CO may reschedule
                throw CsiErrors.exhausted("availabilityZone " + parameterZone + " is not among the requisite topologies " + requisite);
            }
            return parameterZone;
        }
        for (String zone : preferred) {
            if (requisite.isEmpty() || requisite.contains(zone)) {
                return zone;
            }
        }
        return requisite.isEmpty() ? null : requisite.get(0);
    }

    private static List<String> zones(List<Topology> topologies, String zoneKey) {
        List<String> zones = new ArrayList<>();
        for (Topology topology : topologies) {
            String zone = topology.getSegmentsMap().get(zoneKey);
            if (zone != null && !zones.contains(zone)) {
                zones.add(zone);
            }
        }
        return zones;
    }
}
