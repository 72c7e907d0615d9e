// Which kernel objects belong to a lab instance: names that start with its prefix `ilab<n>` not followed by another
// digit (so instance 1 never touches ilab10…ilab15).

/** True when `name` (netns, link, /etc/netns folder) belongs to the instance with this prefix. */
export const ownsName = (prefix: string, name: string): boolean => name.startsWith(prefix) && !/^\d/.test(name.slice(prefix.length));
