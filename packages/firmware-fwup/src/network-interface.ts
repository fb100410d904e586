// `started` carries `downloader_network_interface`: the interface whose address the download's
// socket went out from, found the way nerves_hub_link does it, by matching the local IP.
import { networkInterfaces } from "node:os";

export function interfaceForAddress(address: string | undefined): string | null {
  if (!address) return null;
  const plain = address.startsWith("::ffff:") ? address.slice(7) : address;
  for (const [name, infos] of Object.entries(networkInterfaces())) {
    if (infos?.some((i) => i.address === plain)) return name;
  }
  return null;
}
